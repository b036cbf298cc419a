// Users (admin): create, change role, reset password, delete with confirmation; never the last admin.
import { ADMIN, expect, login, shot, test } from "./support/fixtures";

test("an admin manages users from the dashboard", async ({ page, api }, testInfo) => {
  await login(page);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).click();
  await page.waitForURL(/\/dashboard\/users$/);

  const form = page.getByRole("form", { name: "Create user" });
  await form.getByLabel("Username").fill("olga");
  await form.getByLabel("Password").fill("short");
  await form.getByRole("button", { name: "Create user" }).click();
  await expect(form.locator(".field-error")).toContainText("at least 8");
  await form.getByLabel("Password").fill("olga-password-1");
  await form.getByRole("button", { name: "Create user" }).click();
  const olga = page.locator('[data-testid="user-row"][data-username="olga"]');
  await expect(olga).toBeVisible();
  await expect(olga.getByRole("combobox")).toHaveValue("viewer");

  // the only admin cannot demote themselves
  const me = page.locator(`[data-testid="user-row"][data-username="${ADMIN.username}"]`);
  await me.getByRole("combobox").selectOption("viewer");
  await expect(me.locator(".field-error")).toContainText("last admin");
  await page.reload();
  await expect(me.getByRole("combobox")).toHaveValue("admin");

  await olga.getByRole("combobox").selectOption("admin");
  await expect
    .poll(
      async () =>
        ((await api("GET", "/api/users")).body.users as Array<{ username: string; role: string }>).find(
          (u) => u.username === "olga",
        )?.role,
    )
    .toBe("admin");

  await olga.getByRole("button", { name: "Reset password" }).click();
  await olga.getByLabel("New password").fill("olga-password-2");
  await olga.getByRole("button", { name: "Save" }).click();
  await expect(olga).toContainText("must change password");
  await shot(page, testInfo, "01-users");

  await olga.getByRole("button", { name: "Delete" }).click();
  await olga.getByRole("group").getByRole("button", { name: "Delete" }).click();
  await expect(page.locator('[data-testid="user-row"][data-username="olga"]')).toHaveCount(0);
  await expect(me.getByRole("button", { name: "Delete" })).toHaveCount(0);
});
