package com.embeddinggateway.api;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Bounds how long a request's body may take to arrive
 * ({@code gateway.api.request-read-timeout}). Without it, a caller that announces a body
 * and stops sending holds its connection, and the request waiting for it, forever.
 */
@Configuration(proxyBeanMethods = false)
class RequestReadTimeout {

	@Bean
	NettyServerCustomizer requestReadTimeoutCustomizer(ApiProperties properties) {
		return (server) -> server.requestTimeout(properties.requestReadTimeout());
	}

}
