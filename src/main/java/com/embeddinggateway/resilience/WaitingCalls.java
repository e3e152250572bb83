package com.embeddinggateway.resilience;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.IntConsumer;

import com.embeddinggateway.upstream.TokenShares;
import com.embeddinggateway.upstream.UpstreamBatch;
import com.embeddinggateway.upstream.UpstreamCall;
import com.embeddinggateway.upstream.UpstreamFailure;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Calls that would wait for a pacing slot of one upstream key and deployment, merged into
 * one upstream call while they wait. When the slots are all taken (the account is being
 * paced, or a few calls saturate it), single- and few-input calls would otherwise each
 * spend a slot and a request of the account's RPM on a thirty-second of what a call may
 * carry. The first call that has to wait opens a group and asks for a slot; calls that
 * have to wait after it join the group while it holds no more than the model's
 * {@code max-batch-size} inputs; when the slot comes, the group goes as one call and each
 * caller gets its own slice of the answer, with its share of the tokens. A call that
 * finds a free slot goes at once: nothing is added when nothing waits.
 * <p>
 * A caller that leaves while its group waits leaves the group; the group gives up its
 * place in line when the last one leaves, and a sent call is cancelled only when all its
 * callers left. If the merged call is refused as too large (a learned batch limit below
 * the configured one), each caller sends its own call again ({@link Unmerged}).
 */
final class WaitingCalls {

	private final AdaptiveConcurrency pacer;

	private final IntConsumer merged;

	/** The group new waiting calls join, or none. */
	private @Nullable Group filling;

	/**
	 * @param merged told how many calls each merged upstream call carried
	 */
	WaitingCalls(AdaptiveConcurrency pacer, IntConsumer merged) {
		this.pacer = pacer;
		this.merged = merged;
	}

	/**
	 * {@code call}'s answer, sent through {@code send} with a slot, together with the
	 * other calls waiting then.
	 */
	Mono<UpstreamBatch> join(UpstreamCall call, int maxBatchSize,
			BiFunction<UpstreamCall, AdaptiveConcurrency.Permit, Mono<UpstreamBatch>> send) {
		return Mono.create((sink) -> {
			Member member = new Member(call, sink);
			Group group;
			boolean opened = false;
			synchronized (this) {
				group = this.filling;
				if (group == null || !group.accepts(call, maxBatchSize)) {
					group = new Group(call);
					this.filling = group;
					opened = true;
				}
				group.members.add(member);
				group.inputs += call.inputs().size();
			}
			Group joined = group;
			sink.onCancel(() -> leave(joined, member));
			if (opened) {
				Disposable waiting = this.pacer.acquire().subscribe((permit) -> dispatch(joined, permit, send));
				synchronized (this) {
					joined.waiting = waiting;
				}
			}
		});
	}

	private void dispatch(Group group, AdaptiveConcurrency.Permit permit,
			BiFunction<UpstreamCall, AdaptiveConcurrency.Permit, Mono<UpstreamBatch>> send) {
		List<Member> members;
		synchronized (this) {
			group.sent = true;
			if (this.filling == group) {
				this.filling = null;
			}
			members = new ArrayList<>(group.members);
		}
		if (members.isEmpty()) {
			permit.release();
			return;
		}
		List<String> inputs = new ArrayList<>(group.inputs);
		members.forEach((member) -> inputs.addAll(member.call.inputs()));
		UpstreamCall call = members.get(0).call.withInputs(inputs);
		if (members.size() > 1) {
			this.merged.accept(members.size());
		}
		Disposable running = send.apply(call, permit)
			.subscribe((batch) -> answer(members, inputs, batch), (error) -> fail(members, error));
		synchronized (this) {
			group.running = running;
			if (group.members.isEmpty()) {
				running.dispose();
			}
		}
	}

	private static void answer(List<Member> members, List<String> inputs, UpstreamBatch batch) {
		if (members.size() == 1) {
			members.get(0).sink.success(batch);
			return;
		}
		int[] tokens = TokenShares.of(batch.promptTokens(), inputs);
		int from = 0;
		for (Member member : members) {
			int to = from + member.call.inputs().size();
			long share = 0;
			for (int i = from; i < to; i++) {
				share += tokens[i];
			}
			member.sink.success(batch.slice(from, to, share));
			from = to;
		}
	}

	private static void fail(List<Member> members, Throwable error) {
		boolean unmerge = members.size() > 1 && error instanceof UpstreamFailure.BatchTooLarge;
		members.forEach((member) -> member.sink.error(unmerge ? Unmerged.INSTANCE : error));
	}

	private void leave(Group group, Member member) {
		Disposable cancel = null;
		synchronized (this) {
			group.members.remove(member);
			if (!group.members.isEmpty()) {
				return;
			}
			if (!group.sent) {
				if (this.filling == group) {
					this.filling = null;
				}
				cancel = group.waiting;
			}
			else {
				cancel = group.running;
			}
		}
		if (cancel != null) {
			cancel.dispose();
		}
	}

	/** Calls waiting together for one slot. */
	private static final class Group {

		private final @Nullable Integer dimensions;

		private final int vectorLength;

		private final List<Member> members = new ArrayList<>();

		private int inputs;

		private boolean sent;

		private @Nullable Disposable waiting;

		private @Nullable Disposable running;

		Group(UpstreamCall first) {
			this.dimensions = first.dimensions();
			this.vectorLength = first.vectorLength();
		}

		/** Whether {@code call} can go in the same upstream call as this group's. */
		boolean accepts(UpstreamCall call, int maxBatchSize) {
			return !this.sent && this.inputs + call.inputs().size() <= maxBatchSize
					&& Objects.equals(this.dimensions, call.dimensions()) && this.vectorLength == call.vectorLength();
		}

	}

	private record Member(UpstreamCall call, MonoSink<UpstreamBatch> sink) {
	}

	/** The merged call was refused as too large: each caller sends its own. */
	static final class Unmerged extends RuntimeException {

		static final Unmerged INSTANCE = new Unmerged();

		private Unmerged() {
			super("A merged upstream call was refused as too large", null, false, false);
		}

	}

}
