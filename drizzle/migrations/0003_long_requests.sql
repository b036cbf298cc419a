ALTER TABLE `endpoints` ADD `model_load_timeout_secs` integer DEFAULT 600 NOT NULL;--> statement-breakpoint
ALTER TABLE `endpoints` ADD `generation_probe` integer;--> statement-breakpoint
ALTER TABLE `request_log` ADD `outcome` text;