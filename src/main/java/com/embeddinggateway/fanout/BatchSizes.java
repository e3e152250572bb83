package com.embeddinggateway.fanout;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import com.embeddinggateway.catalog.Deployment;
import com.embeddinggateway.catalog.ModelSpec;

/**
 * Batch sizes learned from 413/20042 answers that name the size allowed (SiliconFlow's
 * real limit has been seen to differ from its spec's 32), kept per deployment so later
 * requests stop paying for the split. A learned size is forgotten after {@code recovery}:
 * the next call probes the configured size again, in case the limit was raised or the 413
 * came from somewhere else.
 */
final class BatchSizes {

	private final long recoveryMillis;

	private final LongSupplier clockMillis;

	private final Map<Deployment, Learned> learned = new ConcurrentHashMap<>();

	BatchSizes(Duration recovery, LongSupplier clockMillis) {
		this.recoveryMillis = recovery.toMillis();
		this.clockMillis = clockMillis;
	}

	/**
	 * Inputs per call for {@code model}: its configured size, lowered by what any of its
	 * deployments taught, since a call may spill over to any of them.
	 */
	int of(ModelSpec model) {
		int size = model.maxBatchSize();
		for (Deployment deployment : model.deployments()) {
			Learned limit = this.learned.get(deployment);
			if (limit == null) {
				continue;
			}
			if (this.clockMillis.getAsLong() - limit.atMillis() >= this.recoveryMillis) {
				this.learned.remove(deployment, limit);
				continue;
			}
			size = Math.min(size, limit.size());
		}
		return Math.max(1, size);
	}

	/**
	 * {@code deployment} said it allows at most {@code size} inputs per call. Returns
	 * whether that lowered what was known.
	 */
	boolean learn(Deployment deployment, int size) {
		Learned now = new Learned(Math.max(1, size), this.clockMillis.getAsLong());
		Learned kept = this.learned.merge(deployment, now, (old,
				taught) -> (old.size() <= taught.size() && taught.atMillis() - old.atMillis() < this.recoveryMillis)
						? old : taught);
		return kept == now;
	}

	private record Learned(int size, long atMillis) {
	}

}
