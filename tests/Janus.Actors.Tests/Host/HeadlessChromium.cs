namespace Janus.Actors.Tests.Host;

/// <summary>
/// Debian's Chromium (<c>/usr/bin/chromium</c>, installed by build.sh) loading a page headless in a fresh profile: the
/// DOM after its scripts ran, or a screenshot. <c>--virtual-time-budget</c> lets the page's timers and fetches run
/// before the dump. Each call is its own browser process, killed if it does not finish.
/// </summary>
public static class HeadlessChromium
{
    public const string Executable = "/usr/bin/chromium";

    public static Task<string> DumpDomAsync(Uri url, TimeSpan budget) => RunAsync(url, budget, "--dump-dom");

    public static async Task SaveScreenshotAsync(Uri url, TimeSpan budget, string pngPath)
    {
        await RunAsync(url, budget, $"--screenshot={pngPath}", "--window-size=1280,720", "--hide-scrollbars");
        if (!File.Exists(pngPath)) throw new InvalidOperationException($"Chromium wrote no screenshot to {pngPath}");
    }

    private static async Task<string> RunAsync(Uri url, TimeSpan budget, params string[] mode)
    {
        if (!File.Exists(Executable))
            throw new InvalidOperationException($"{Executable} is missing: ./build.sh test installs Debian's 'chromium' package");
        var profile = Directory.CreateTempSubdirectory("chromium-profile-").FullName;
        try
        {
            var info = new ProcessStartInfo(Executable)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[]
                     {
                         "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", $"--user-data-dir={profile}",
                         $"--virtual-time-budget={(int)budget.TotalMilliseconds}",
                     }.Concat(mode).Append(url.ToString()))
                info.ArgumentList.Add(argument);

            using var chromium = Process.Start(info) ?? throw new InvalidOperationException("could not start Chromium");
            var stdout = chromium.StandardOutput.ReadToEndAsync();
            var stderr = chromium.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            try
            {
                await chromium.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                chromium.Kill(entireProcessTree: true);
                await chromium.WaitForExitAsync();
                throw new TimeoutException($"Chromium did not finish loading {url}: {await stderr}");
            }
            if (chromium.ExitCode != 0)
                throw new InvalidOperationException($"Chromium exited with {chromium.ExitCode}: {await stderr}");
            return await stdout;
        }
        finally
        {
            try { Directory.Delete(profile, recursive: true); }
            catch (IOException) { /* a browser helper may still hold a file */ }
        }
    }
}
