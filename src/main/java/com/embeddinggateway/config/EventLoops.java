package com.embeddinggateway.config;

import java.time.Duration;

import reactor.netty.resources.LoopResources;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.client.ReactorResourceFactory;

/**
 * The event loops the API server, the management server, the upstream client and the
 * warm-up run on: owned by this application, not Reactor Netty's process-wide ones.
 * <p>
 * Spring Boot's default factory uses the process-wide loops and disposes of them when its
 * application stops. A second application in the same process (a test suite, an embedding
 * host) then has its connections on terminated loops: its graceful shutdown waits out its
 * whole timeout for requests that can never end, and its connection pools fail to close.
 * With loops of its own, an application's shutdown touches nothing outside it. The
 * threads keep Reactor Netty's names and count.
 */
@Configuration(proxyBeanMethods = false)
class EventLoops {

	@Bean
	ReactorResourceFactory reactorResourceFactory(Environment environment) {
		ReactorResourceFactory factory = new ReactorResourceFactory();
		factory.setUseGlobalResources(false);
		factory.setLoopResourcesSupplier(() -> LoopResources.create("reactor-http"));
		Binder.get(environment)
			.bind("spring.reactor.netty.shutdown-quiet-period", Duration.class)
			.ifBound(factory::setShutdownQuietPeriod);
		return factory;
	}

}
