ALTER TABLE `request_log` ADD `endpoint_name` text;--> statement-breakpoint
ALTER TABLE `request_log` ADD `endpoints_tried` text;