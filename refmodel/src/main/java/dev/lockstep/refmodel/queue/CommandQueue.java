package dev.lockstep.refmodel.queue;

import static dev.lockstep.refmodel.regs.RegisterFile.*;

import dev.lockstep.refmodel.command.CommandExecutor;
import dev.lockstep.refmodel.effect.ImplicitMemory;
import dev.lockstep.refmodel.interrupt.InterruptController;
import dev.lockstep.refmodel.regs.RegisterFile;

/**
 * The command queue (spec: "Command-Queue (CQ)"). Software produces at cqt; the IOMMU consumes at cqh.
 * This untimed model fetches and executes every queued command synchronously whenever software makes
 * progress possible (writes cqt, enables the queue or clears an error bit). Processing stops, with
 * cqh on the failing command, at cmd_ill, cqmf (a fetch or a command's own access faulted) or cmd_to.
 */
public final class CommandQueue {

    public static final int COMMAND_BYTES = 16;

    private final RegisterFile regs;
    private final ImplicitMemory memory;
    private final CommandExecutor executor;
    private final InterruptController interrupts;
    private long commandsExecuted;

    public CommandQueue(RegisterFile regs, ImplicitMemory memory, CommandExecutor executor, InterruptController interrupts) {
        this.regs = regs;
        this.memory = memory;
        this.executor = executor;
        this.interrupts = interrupts;
    }

    public long commandsExecuted() { return commandsExecuted; }

    /** Processes commands until the queue is empty, off or stopped by an error. */
    public void process() {
        while (true) {
            int csr = regs.cqcsr();
            if ((csr & CQCSR_CQON) == 0 || (csr & (CQCSR_CQMF | CQCSR_CMD_ILL | CQCSR_CMD_TO)) != 0) break;
            int head = regs.cqh();
            if (head == regs.cqt()) break;
            long pa = RegisterFile.queueBaseAddress(regs.cqb()) + (head & 0xffffffffL) * COMMAND_BYTES;
            if (!memory.loadable(pa) || !memory.loadable(pa + 8)) {
                regs.hwSetCqcsrBits(CQCSR_CQMF);
                break;
            }
            int result = executor.execute(memory.load64(pa), memory.load64(pa + 8));
            if (result == CommandExecutor.ILLEGAL) {
                regs.hwSetCqcsrBits(CQCSR_CMD_ILL);
                break;
            } else if (result == CommandExecutor.MEMORY_FAULT) {
                regs.hwSetCqcsrBits(CQCSR_CQMF);
                break;
            } else if (result == CommandExecutor.TIMEOUT) {
                regs.hwSetCqcsrBits(CQCSR_CMD_TO);
                break;
            }
            commandsExecuted++;
            long n = RegisterFile.queueEntries(regs.cqb());
            regs.hwSetCqh((int) (((head & 0xffffffffL) + 1) % n));
            interrupts.update(); // fence_w_ip may have been set
        }
        interrupts.update();
    }
}
