CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`username` text NOT NULL,
	`password_hash` text NOT NULL,
	`role` text NOT NULL,
	`must_change_password` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_unique` ON `users` (`username`);--> statement-breakpoint
CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`prefix` text NOT NULL,
	`key_hash` text NOT NULL,
	`permissions` text NOT NULL,
	`created_by` text,
	`created_at` integer NOT NULL,
	`expires_at` integer,
	`revoked_at` integer,
	`last_used_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_key_hash_unique` ON `api_keys` (`key_hash`);--> statement-breakpoint
CREATE INDEX `api_keys_created_idx` ON `api_keys` (`created_at`);--> statement-breakpoint
CREATE TABLE `endpoints` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`base_url` text NOT NULL,
	`api_key` text,
	`status` text DEFAULT 'pending' NOT NULL,
	`endpoint_type` text DEFAULT 'unknown' NOT NULL,
	`health_check_interval_secs` integer DEFAULT 30 NOT NULL,
	`inference_timeout_secs` integer DEFAULT 120 NOT NULL,
	`max_concurrency` integer,
	`latency_ms` real,
	`last_seen_at` integer,
	`last_checked_at` integer,
	`last_error` text,
	`consecutive_failures` integer DEFAULT 0 NOT NULL,
	`registered_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`notes` text,
	`type_detected_at` integer,
	`models_synced_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `endpoints_name_unique` ON `endpoints` (`name`);--> statement-breakpoint
CREATE UNIQUE INDEX `endpoints_base_url_unique` ON `endpoints` (`base_url`);--> statement-breakpoint
CREATE TABLE `endpoint_models` (
	`endpoint_id` text NOT NULL,
	`model_id` text NOT NULL,
	`capabilities` text NOT NULL,
	`context_length` integer,
	`synced_at` integer NOT NULL,
	PRIMARY KEY(`endpoint_id`, `model_id`),
	FOREIGN KEY (`endpoint_id`) REFERENCES `endpoints`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `endpoint_model_daily` (
	`day` text NOT NULL,
	`endpoint_id` text NOT NULL,
	`model_id` text NOT NULL,
	`requests` integer DEFAULT 0 NOT NULL,
	`successes` integer DEFAULT 0 NOT NULL,
	`failures` integer DEFAULT 0 NOT NULL,
	`output_tokens` integer DEFAULT 0 NOT NULL,
	`generation_ms` real DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `endpoint_id`, `model_id`),
	FOREIGN KEY (`endpoint_id`) REFERENCES `endpoints`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `endpoint_model_stats` (
	`endpoint_id` text NOT NULL,
	`model_id` text NOT NULL,
	`requests` integer DEFAULT 0 NOT NULL,
	`successes` integer DEFAULT 0 NOT NULL,
	`failures` integer DEFAULT 0 NOT NULL,
	`output_tokens` integer DEFAULT 0 NOT NULL,
	`generation_ms` real DEFAULT 0 NOT NULL,
	`tps_ema` real,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`endpoint_id`, `model_id`),
	FOREIGN KEY (`endpoint_id`) REFERENCES `endpoints`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `health_checks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`endpoint_id` text NOT NULL,
	`checked_at` integer NOT NULL,
	`ok` integer NOT NULL,
	`latency_ms` real,
	`error` text,
	`status_before` text NOT NULL,
	`status_after` text NOT NULL,
	`instance_id` text,
	FOREIGN KEY (`endpoint_id`) REFERENCES `endpoints`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `health_checks_endpoint_idx` ON `health_checks` (`endpoint_id`,`checked_at`);--> statement-breakpoint
CREATE INDEX `health_checks_time_idx` ON `health_checks` (`checked_at`);--> statement-breakpoint
CREATE TABLE `download_tasks` (
	`id` text PRIMARY KEY NOT NULL,
	`endpoint_id` text NOT NULL,
	`model` text NOT NULL,
	`upstream_task_id` text,
	`status` text NOT NULL,
	`progress` integer DEFAULT 0 NOT NULL,
	`speed_mbps` real,
	`eta_seconds` real,
	`error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`endpoint_id`) REFERENCES `endpoints`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `download_tasks_endpoint_model_idx` ON `download_tasks` (`endpoint_id`,`model`,`created_at`);--> statement-breakpoint
CREATE TABLE `request_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ts` integer NOT NULL,
	`request_id` text NOT NULL,
	`api_key_id` text,
	`user_id` text,
	`client_ip` text,
	`route` text NOT NULL,
	`model` text,
	`endpoint_id` text,
	`status` integer NOT NULL,
	`duration_ms` real NOT NULL,
	`ttft_ms` real,
	`prompt_tokens` integer,
	`completion_tokens` integer,
	`tokens_estimated` integer DEFAULT false NOT NULL,
	`stream` integer DEFAULT false NOT NULL,
	`retries` integer DEFAULT 0 NOT NULL,
	`error_code` text
);
--> statement-breakpoint
CREATE INDEX `request_log_ts_idx` ON `request_log` (`ts`);--> statement-breakpoint
CREATE INDEX `request_log_endpoint_idx` ON `request_log` (`endpoint_id`,`ts`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ts` integer NOT NULL,
	`actor_type` text NOT NULL,
	`actor_id` text,
	`action` text NOT NULL,
	`target_type` text NOT NULL,
	`target_id` text,
	`details` text
);
--> statement-breakpoint
CREATE INDEX `audit_log_ts_idx` ON `audit_log` (`ts`);--> statement-breakpoint
CREATE TABLE `leases` (
	`name` text PRIMARY KEY NOT NULL,
	`holder` text NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
