// The colour theme: "system" follows prefers-color-scheme; a choice is kept in localStorage under THEME_KEY.
export const THEMES = ["system", "light", "dark"] as const;
export type Theme = (typeof THEMES)[number];
export const THEME_KEY = "llmlb_theme";

/** Runs before the page paints (inline in <head>): the saved choice or the system's, so dark never flashes light. */
export const THEME_BOOT = `try{var t=localStorage.getItem(${JSON.stringify(THEME_KEY)});var d=t==="dark"||(t!=="light"&&matchMedia("(prefers-color-scheme: dark)").matches);document.documentElement.classList.toggle("dark",d)}catch(e){}`;
