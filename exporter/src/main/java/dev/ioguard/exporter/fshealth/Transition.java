package dev.ioguard.exporter.fshealth;

import java.util.Objects;

/**
 * A change of read-only state the mount table showed, waiting briefly for its cause: the syscall
 * or kernel event that explains it may reach the tracker just after the table (they come through
 * different threads). Immutable.
 *
 * @param toReadOnly    the direction
 * @param mountLevel    one mount's own {@code ro} changed (bind remount, mount_setattr), not the
 *                      superblock's
 * @param subject       what it is about, as the table showed it then
 * @param fromNanos     the change happened after this (the previous table's read time) ...
 * @param toNanos       ... and before this (this table's read time)
 * @param deadlineNanos when to give up waiting and report what is known
 */
record Transition(boolean toReadOnly, boolean mountLevel, Subject subject, long fromNanos,
        long toNanos, long deadlineNanos) {
    Transition {
        Objects.requireNonNull(subject, "subject");
    }
}
