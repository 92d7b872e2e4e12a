/**
 * Filesystem health: which mounts accept writes, and the incidents that changed it. Kernel events
 * (ext4 errors, ext4 and xfs shutdowns, administrative remounts at the mount syscalls) and the mount
 * table (mountinfo, ext4's errors_count, xfs's EIO on a shut-down mount) feed one state tracker per
 * superblock, which turns each incident into exactly one {@code filesystem.remount.readonly} event
 * and keeps the read-only gauge and the counters.
 */
package dev.ioguard.exporter.fshealth;
