package com.embeddinggateway.config;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * With the {@code dev} profile, says in one line how to call the gateway it just started.
 * The key is the one {@code application-dev.yml} configures; it works only on that
 * profile, which binds to 127.0.0.1.
 */
@Component
@Profile("dev")
class DevProfileGreeting implements ApplicationListener<WebServerInitializedEvent> {

	static final String DEV_KEY = "eg-dev-local-key";

	private static final Log logger = LogFactory.getLog(DevProfileGreeting.class);

	@Override
	public void onApplicationEvent(WebServerInitializedEvent event) {
		if ("management".equals(event.getApplicationContext().getServerNamespace())) {
			// The actuator's own server on its own port: not where callers go.
			return;
		}
		logger.info("Dev gateway ready: curl http://127.0.0.1:" + event.getWebServer().getPort()
				+ "/v1/embeddings -H 'Authorization: Bearer " + DEV_KEY
				+ "' -d '{\"model\":\"BAAI/bge-small-en-v1.5\",\"input\":\"hello\"}'");
	}

}
