package com.embeddinggateway.config;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import org.jspecify.annotations.Nullable;

import org.springframework.util.unit.DataSize;

/**
 * A {@link DataSize} setting must be larger than zero (Bean Validation has no constraint
 * for it); an absent one is left to the setting's own default.
 */
@Documented
@Constraint(validatedBy = PositiveSize.Validator.class)
@Target({ ElementType.FIELD, ElementType.PARAMETER })
@Retention(RetentionPolicy.RUNTIME)
public @interface PositiveSize {

	String message() default "must be larger than 0 bytes";

	Class<?>[] groups() default {};

	Class<? extends Payload>[] payload() default {};

	/** Checks a {@link DataSize}. */
	class Validator implements ConstraintValidator<PositiveSize, DataSize> {

		@Override
		public boolean isValid(@Nullable DataSize value, ConstraintValidatorContext context) {
			return value == null || value.toBytes() > 0;
		}

	}

}
