using PuppeteerSharp;

namespace Janus.Actors.Fixtures;

/// <summary>
/// A real WebRTC peer: Debian's Chromium (<c>/usr/bin/chromium</c>, installed by <c>./build.sh test</c>) headless, with
/// its fake camera and microphone, driven through PuppeteerSharp. It publishes to a videoroom on its own Janus session
/// (<see cref="PublishToVideoRoomAsync"/>) and answers offers of Janus's — a subscription, a SIP call
/// (<see cref="AnswerAsync"/>) — so specs and demos see what only media makes Janus say (a VideoRoom publisher, a
/// connected subscriber). Janus never gathers loopback candidates, so the machine needs a non-loopback interface.
/// </summary>
public sealed class WebRtcPeer : IAsyncDisposable
{
    public const string Executable = "/usr/bin/chromium";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly IBrowser _browser;
    private readonly IPage _page;

    private WebRtcPeer(IBrowser browser, IPage page)
    {
        _browser = browser;
        _page = page;
    }

    public static async Task<WebRtcPeer> LaunchAsync()
    {
        if (!File.Exists(Executable))
            throw new InvalidOperationException($"{Executable} is missing: ./build.sh test installs Debian's 'chromium' package");
        var folder = Directory.CreateTempSubdirectory("janus-webrtc-peer-").FullName;
        var pagePath = Path.Combine(folder, "WebRtcPeer.html");
        await using (var page = typeof(WebRtcPeer).Assembly.GetManifestResourceStream("WebRtcPeer.html")!)
        await using (var file = File.Create(pagePath))
            await page.CopyToAsync(file);
        var browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = Executable,
            Headless = true,
            UserDataDir = Path.Combine(folder, "profile"),
            // As root (CI) Chromium needs --no-sandbox; the fake devices stand in for a camera and a microphone.
            Args = ["--no-sandbox", "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"],
        });
        try
        {
            var tab = await browser.NewPageAsync();
            await tab.GoToAsync(new Uri(pagePath).AbsoluteUri);
            return new WebRtcPeer(browser, tab);
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Joins <paramref name="room"/> as <paramref name="display"/> on a Janus session of its own and publishes audio and
    /// video; returns the participant id once the PeerConnection is up.
    /// </summary>
    public Task<long> PublishToVideoRoomAsync(JanusServer janus, long room, string display) =>
        _page.EvaluateFunctionAsync<long>("(url, secret, room, display, timeout) => publish(url, secret, room, display, timeout)",
            janus.WebSocketUrl.ToString(), janus.Options.ApiSecret, room, display, Patience.TotalMilliseconds);

    /// <summary>Answers a JSEP offer of Janus's; returns the connection (for <see cref="WaitForMediaAsync"/>) and the JSEP answer.</summary>
    public async Task<(int Connection, JsonElement Answer)> AnswerAsync(JsonElement offer)
    {
        var answered = await _page.EvaluateFunctionAsync<JsonElement>("offer => answer(offer)", offer);
        return (answered.GetProperty("connection").GetInt32(), answered.GetProperty("answer").Clone());
    }

    /// <summary>Waits until <paramref name="connection"/> is connected; returns its state and how many live tracks it receives.</summary>
    public async Task<(string State, int Receiving)> WaitForMediaAsync(int connection)
    {
        var up = await _page.EvaluateFunctionAsync<JsonElement>("(connection, timeout) => waitForMedia(connection, timeout)", connection, Patience.TotalMilliseconds);
        return (up.GetProperty("state").GetString()!, up.GetProperty("receiving").GetInt32());
    }

    public async ValueTask DisposeAsync() => await _browser.DisposeAsync();
}
