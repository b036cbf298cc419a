ALTER TABLE `users` ADD `provider` text DEFAULT 'local' NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `subject` text;--> statement-breakpoint
CREATE UNIQUE INDEX `users_provider_subject` ON `users` (`provider`,`subject`);