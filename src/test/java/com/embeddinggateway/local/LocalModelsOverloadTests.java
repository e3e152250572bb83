package com.embeddinggateway.local;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import com.embeddinggateway.upstream.UpstreamFailure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

import static org.assertj.core.api.Assertions.assertThat;

class LocalModelsOverloadTests {

	private static final String EN = "BAAI/bge-small-en-v1.5";

	/**
	 * Enough work (8 texts of 400 tokens) that a worker stays busy while calls arrive.
	 */
	private static final List<String> HEAVY = Collections.nCopies(8, "hello world ".repeat(200));

	private static LocalTokenizers tokenizers;

	private static LocalModels models;

	@BeforeAll
	static void load() {
		tokenizers = new LocalTokenizers();
		models = new LocalModels(tokenizers, new LocalModelProperties(true, 1, 1, 1, Duration.ofSeconds(3)));
	}

	@AfterAll
	static void close() {
		models.close();
	}

	@Test
	void refusesCallsBeyondTheQueueAtOnceAndRecovers() {
		List<CompletableFuture<LocalEmbeddings>> calls = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			calls.add(models.embed(EN, HEAVY).toFuture());
		}
		List<Throwable> failures = new ArrayList<>();
		int succeeded = 0;
		for (CompletableFuture<LocalEmbeddings> call : calls) {
			try {
				assertThat(call.join().vectors()).hasSize(8);
				succeeded++;
			}
			catch (CompletionException ex) {
				failures.add(ex.getCause());
			}
		}

		// At most one call runs and one waits in the queue (an idle worker may not yet
		// have
		// taken the first call off the queue when the second arrives, so one or two
		// succeed);
		// the others cannot have been accepted.
		assertThat(succeeded).isBetween(1, 2);
		assertThat(succeeded + failures.size()).isEqualTo(10);
		assertThat(failures).isNotEmpty().allSatisfy((failure) -> {
			// An overloaded upstream, as a remote one answering 503: retried, counted by
			// the breaker, a 503 with retry-after for the caller.
			assertThat(failure).isInstanceOf(UpstreamFailure.Overloaded.class).hasMessageContaining(EN).hasNoCause();
			assertThat(((UpstreamFailure) failure).retryAfter()).isEqualTo(Duration.ofSeconds(3));
			assertThat(failure.getStackTrace()).isEmpty();
		});
		assertThat(models.embed(EN, List.of("hello")).block().vectors()).hasSize(1);
	}

	@Test
	void cancellingAWaitingCallFreesItsQueueSlot() {
		CompletableFuture<LocalEmbeddings> running = models.embed(EN, HEAVY).toFuture();
		Disposable waiting = models.embed(EN, HEAVY).subscribe();

		waiting.dispose();

		assertThat(models.queued()).isZero();
		CompletableFuture<LocalEmbeddings> next = models.embed(EN, List.of("hello")).toFuture();
		assertThat(next.join().vectors()).hasSize(1);
		assertThat(running.join().vectors()).hasSize(8);
	}

}
