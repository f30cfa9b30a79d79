/**
 * Drives an Atlaskit Select (the app's drop-downs, static/src/ui/SelectField.tsx) as a person does:
 * focus its input, type to filter, pick the option. Its menu is a listbox of role="option" items
 * portalled to the frame's body, so options are looked up in the whole frame.
 */
import type { Frame, Locator } from 'playwright-core';

export async function chooseOption(frame: Frame, input: Locator, option: string): Promise<void> {
  await input.click();
  await input.fill(option);
  await frame.getByRole('option', { name: option, exact: true }).click();
}
