/**
 * Runs a command's work on services it opens, always closes them, and prints a refusal's Vietnamese reason
 * (exit code 1) — `refusal` tells a refusal from a failure, which is thrown on.
 *
 * @example
 * await usingServices(open, async ({ notices }) => { … }, (e) => e instanceof NoticeError);
 */
export async function usingServices<T extends { close(): Promise<void> }>(
  open: () => Promise<T>,
  work: (services: T) => Promise<void>,
  refusal: (error: unknown) => boolean,
): Promise<void> {
  const services = await open();
  try {
    await work(services);
  } catch (error) {
    if (!refusal(error)) throw error;
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  } finally {
    await services.close();
  }
}
