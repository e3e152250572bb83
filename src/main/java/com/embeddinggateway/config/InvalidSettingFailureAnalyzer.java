package com.embeddinggateway.config;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.bind.validation.ValidationErrors;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;

/**
 * Says which setting start-up refused by its key as written
 * ({@code gateway.http-client.connect-timeout}) and where it was set. Spring's own
 * analyzer names it by its path in the properties records
 * ({@code gateway.httpClient.connectTimeout}) and finds no origin below the first level.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class InvalidSettingFailureAnalyzer extends AbstractFailureAnalyzer<BindValidationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, BindValidationException cause) {
		ValidationErrors errors = cause.getValidationErrors();
		StringBuilder description = new StringBuilder("Invalid configuration under " + errors.getName() + ":\n");
		for (ObjectError error : errors) {
			String key = (error instanceof FieldError field)
					? error.getObjectName() + "." + DataObjectPropertyName.toDashedForm(field.getField())
					: error.getObjectName();
			ConfigurationProperty property = find(errors, key);
			description.append("\n    Property: ").append(key);
			if (property != null) {
				description.append("\n    Value: \"").append(property.getValue()).append('"');
				if (property.getOrigin() != null) {
					description.append("\n    Origin: ").append(property.getOrigin());
				}
			}
			else if (error instanceof FieldError field) {
				description.append("\n    Value: \"").append(field.getRejectedValue()).append('"');
			}
			description.append("\n    Reason: ").append(error.getDefaultMessage()).append('\n');
		}
		return new FailureAnalysis(description.toString(), "Update your application's configuration", cause);
	}

	private static @Nullable ConfigurationProperty find(ValidationErrors errors, String key) {
		if (!ConfigurationPropertyName.isValid(key)) {
			return null;
		}
		ConfigurationPropertyName name = ConfigurationPropertyName.of(key);
		return errors.getBoundProperties()
			.stream()
			.filter((property) -> property.getName().equals(name))
			.findFirst()
			.orElse(null);
	}

}
