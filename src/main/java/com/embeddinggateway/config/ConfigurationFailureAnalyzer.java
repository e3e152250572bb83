package com.embeddinggateway.config;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.bind.validation.ValidationErrors;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.util.ObjectUtils;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;

/**
 * Says which settings stopped start-up by their keys as written
 * ({@code gateway.http-client.connect-timeout}), their values and where they were set.
 * Spring's own analyzers name a refused value by its path in the properties records
 * ({@code gateway.httpClient.connectTimeout}), find no origin below the first level, and
 * open an unknown key's report with the internals of the binding that found it.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class ConfigurationFailureAnalyzer implements FailureAnalyzer {

	private static final String ACTION = "Update your application's configuration; the README's Configuration "
			+ "section lists every key.";

	@Override
	public @Nullable FailureAnalysis analyze(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof BindValidationException invalid) {
				return new FailureAnalysis(invalid(invalid.getValidationErrors()), ACTION, invalid);
			}
			if (cause instanceof UnboundConfigurationPropertiesException unknown) {
				return new FailureAnalysis(unknown(unknown), ACTION, unknown);
			}
		}
		return null;
	}

	private static String invalid(ValidationErrors errors) {
		StringBuilder description = new StringBuilder("Invalid configuration under " + errors.getName() + ":\n");
		for (ObjectError error : errors) {
			String key = (error instanceof FieldError field)
					? error.getObjectName() + "." + DataObjectPropertyName.toDashedForm(field.getField())
					: error.getObjectName();
			ConfigurationProperty property = find(errors, key);
			Object value = (property != null) ? property.getValue()
					: (error instanceof FieldError field) ? field.getRejectedValue() : null;
			append(description, key, value, property);
			description.append("\n    Reason: ").append(error.getDefaultMessage()).append('\n');
		}
		return description.toString();
	}

	private static String unknown(UnboundConfigurationPropertiesException unknown) {
		StringBuilder description = new StringBuilder("Unknown configuration keys:\n");
		for (ConfigurationProperty property : unknown.getUnboundProperties()) {
			append(description, property.getName().toString(), property.getValue(), property);
			description.append("\n    Reason: no setting has this name\n");
		}
		return description.toString();
	}

	private static void append(StringBuilder description, String key, @Nullable Object value,
			@Nullable ConfigurationProperty property) {
		description.append("\n    Property: ").append(key);
		description.append("\n    Value: \"").append(ObjectUtils.nullSafeToString(value)).append('"');
		if (property != null && property.getOrigin() != null) {
			description.append("\n    Origin: ").append(property.getOrigin());
		}
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
