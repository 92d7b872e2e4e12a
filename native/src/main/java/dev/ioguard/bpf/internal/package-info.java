/**
 * Not part of the API: FFM downcall handles, C struct layouts, and the one owner of raw pointers
 * and file descriptors ({@link dev.ioguard.bpf.internal.NativeHandle}). Nothing outside the native
 * module may use it.
 */
package dev.ioguard.bpf.internal;
