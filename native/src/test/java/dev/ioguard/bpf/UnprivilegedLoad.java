package dev.ioguard.bpf;

/**
 * Run by LoadFailureKernelTest as an unprivileged child process: prints what the binding reports
 * when this process may not use bpf(2). Opening must still work; loading must not.
 */
public final class UnprivilegedLoad {
    private UnprivilegedLoad() {}

    public static void main(String[] args) {
        Features.Probe probe = Features.bpfSyscall();
        System.out.println("bpfSyscall " + probe.status() + " " + probe.detail());
        try (CollectionSpec spec = Ringtest.open()) {
            spec.load().close();
            System.out.println("load succeeded unexpectedly");
        } catch (BpfException e) {
            System.out.println("load " + e.getClass().getSimpleName() + " errno=" + e.errno() + " message="
                    + e.getMessage());
        }
    }
}
