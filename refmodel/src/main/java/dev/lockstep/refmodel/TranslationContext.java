package dev.lockstep.refmodel;

import dev.lockstep.refmodel.mem.PhysicalMemory;
import dev.lockstep.refmodel.regs.RegisterFile;

/**
 * What a translation reads besides the request: the memory it walks (possibly a view with older
 * versions of cached structures, see the caching model) and the registers (ddtp, fctl, capabilities).
 */
public record TranslationContext(PhysicalMemory memory, RegisterFile registers) { }
