package com.embeddinggateway.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU time and peak memory of a server under test, read from Linux's {@code /proc}: the
 * process and every descendant, so nginx counts as its master plus its workers.
 */
final class ProcStats {

	private ProcStats() {
	}

	/**
	 * One reading.
	 *
	 * @param ticks user + system CPU time in clock ticks ({@code getconf CLK_TCK})
	 * @param peakRssKb the sum of each process's peak resident set ({@code VmHWM}), an
	 * upper bound of the group's peak
	 */
	record Sample(long ticks, long peakRssKb) {
	}

	static Sample sample(long pid) {
		long ticks = 0;
		long peak = 0;
		for (long each : family(pid)) {
			try {
				ticks += cpuTicks(Files.readString(proc(each, "stat")));
				peak += peakRssKb(Files.readString(proc(each, "status")));
			}
			catch (IOException ex) {
				// A worker that exits between listing and reading is simply not counted.
			}
		}
		return new Sample(ticks, peak);
	}

	/**
	 * Resets the peak resident set of the process and its descendants to their current
	 * size (Linux 4.0+), so each run reports its own peak rather than the largest since
	 * start. Returns false where the kernel refuses, and the peak is then since start.
	 */
	static boolean resetPeak(long pid) {
		boolean all = true;
		for (long each : family(pid)) {
			try {
				Files.writeString(proc(each, "clear_refs"), "5");
			}
			catch (IOException ex) {
				all = false;
			}
		}
		return all;
	}

	/** utime + stime from a {@code /proc/<pid>/stat} line (fields 14 and 15). */
	static long cpuTicks(String stat) {
		// The command name (field 2) is in parentheses and may hold spaces or ')': split
		// after the last one, where field 3 begins.
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" +");
		return Long.parseLong(fields[14 - 3]) + Long.parseLong(fields[15 - 3]);
	}

	/** {@code VmHWM} in kB from {@code /proc/<pid>/status}; 0 for a kernel thread. */
	static long peakRssKb(String status) {
		for (String line : status.split("\n")) {
			if (line.startsWith("VmHWM:")) {
				return Long.parseLong(line.substring(6).replace("kB", "").trim());
			}
		}
		return 0;
	}

	private static List<Long> family(long pid) {
		List<Long> pids = new ArrayList<>();
		pids.add(pid);
		ProcessHandle.of(pid).ifPresent((process) -> process.descendants().forEach((child) -> pids.add(child.pid())));
		return pids;
	}

	private static Path proc(long pid, String file) {
		return Path.of("/proc", Long.toString(pid), file);
	}

}
