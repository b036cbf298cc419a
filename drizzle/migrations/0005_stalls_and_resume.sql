ALTER TABLE `endpoints` ADD `stalled_at` integer;--> statement-breakpoint
ALTER TABLE `request_log` ADD `resumed_endpoint_id` text;