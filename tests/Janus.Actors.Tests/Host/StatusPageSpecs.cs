using System.Text.RegularExpressions;

namespace Janus.Actors.Tests.Host;

/// <summary>
/// The status page at <c>/</c>, loaded in headless Chromium as a person would open it: the host has an API token, the page
/// gets it in the URL fragment, and shows every session with its state, transport, handles and last error, plus what
/// Janus said about its timeouts.
/// </summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed partial class StatusPageSpecs(JanusFixture janus, ITestOutputHelper output) : IClassFixture<JanusFixture>
{
    private const string Token = "status-page-token";
    private static readonly TimeSpan ScriptBudget = TimeSpan.FromSeconds(5);

    [GeneratedRegex("""<tr data-key="(?<key>[^"]+)" data-state="(?<state>[^"]+)">(?<cells>.*?)</tr>""", RegexOptions.Singleline)]
    private static partial Regex SessionRow();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tag();

    [Fact]
    public async Task The_page_shows_each_session_with_its_state_and_janus_timeouts()
    {
        await using var host = new HostProcess(new Dictionary<string, string?>
        {
            ["Janus:WebSocketUrl"] = janus.Server.WebSocketUrl.ToString(),
            ["Janus:RestUrl"] = janus.Server.RestUrl.ToString(),
            ["Api:Token"] = Token,
        });
        await host.StartAsync();
        await CreateAsync(host, "room-7", "websocket", "janus.plugin.echotest");
        await CreateAsync(host, "call-42", "rest", null);
        await CreateAsync(host, "call-ended", "websocket", null);
        using (var destroyed = await host.Http.DeleteAsync("v1/sessions/call-ended"))
            Assert.Equal(HttpStatusCode.NoContent, destroyed.StatusCode);

        var dom = await HeadlessChromium.DumpDomAsync(new Uri(host.BaseAddress, $"/#token={Token}"), ScriptBudget);

        var rows = SessionRow().Matches(dom).ToDictionary(m => m.Groups["key"].Value, m => (State: m.Groups["state"].Value, Text: Text(m.Groups["cells"].Value)));
        Assert.True(rows.Count == 3, $"rows: {string.Join(" | ", rows.Select(r => $"{r.Key}: {r.Value}"))}\n{dom}");
        Assert.Equal("active", rows["room-7"].State);
        Assert.Contains("websocket", rows["room-7"].Text);
        Assert.Contains("echotest", rows["room-7"].Text);
        Assert.Equal("active", rows["call-42"].State);
        Assert.Contains("rest", rows["call-42"].Text);
        Assert.Equal("destroyed", rows["call-ended"].State);
        Assert.All(rows.Values, row => Assert.Contains("default", row.Text)); // the session's Janus server
        Assert.Matches(@"<div class=""count server"" data-server=""default"" data-state=""up""[^>]*><b>2</b><span>default · up</span>", dom);
        Assert.Contains($"reclaim_session_timeout {JanusFixture.ReclaimSessionTimeoutSeconds} s", Text(dom));
        Assert.DoesNotContain(Token, dom); // moved out of the address bar into the Authorization header

        var screenshot = Path.Combine(host.WorkingDirectory, "status-page.png");
        await HeadlessChromium.SaveScreenshotAsync(new Uri(host.BaseAddress, $"/#token={Token}"), ScriptBudget, screenshot);
        Assert.True(new FileInfo(screenshot).Length > 10_000, "the screenshot is (nearly) empty");
        var kept = Environment.GetEnvironmentVariable("JANUS_ACTORS_SCREENSHOT");
        if (!string.IsNullOrEmpty(kept)) File.Copy(screenshot, kept, overwrite: true);
        output.WriteLine($"screenshot: {screenshot}");
    }

    [Fact]
    public async Task The_page_shows_one_page_of_sessions_filtered_by_state_beside_the_counts_of_all()
    {
        await using var host = new HostProcess(new Dictionary<string, string?>
        {
            ["Janus:WebSocketUrl"] = janus.Server.WebSocketUrl.ToString(),
            ["Api:Token"] = Token,
        });
        await host.StartAsync();
        foreach (var key in new[] { "a-1", "a-2", "a-3", "gone-1" })
            await CreateAsync(host, key, "websocket", null);
        using (var destroyed = await host.Http.DeleteAsync("v1/sessions/gone-1"))
            Assert.Equal(HttpStatusCode.NoContent, destroyed.StatusCode);

        var firstPage = await HeadlessChromium.DumpDomAsync(new Uri(host.BaseAddress, $"/#token={Token}&limit=2"), ScriptBudget);
        Assert.Equal(["a-1", "a-2"], SessionRow().Matches(firstPage).Select(m => m.Groups["key"].Value));
        Assert.Contains("page 1 · 2 shown of 4", Text(firstPage));
        Assert.Matches(@"<div class=""count"" data-state=""active""><b>3</b>", firstPage);
        Assert.Matches(@"<div class=""count"" data-state=""destroyed""><b>1</b>", firstPage);

        var destroyedOnly = await HeadlessChromium.DumpDomAsync(new Uri(host.BaseAddress, $"/#token={Token}&state=destroyed"), ScriptBudget);
        Assert.Equal(["gone-1"], SessionRow().Matches(destroyedOnly).Select(m => m.Groups["key"].Value));
        Assert.Contains("1 shown of 1 destroyed", Text(destroyedOnly));
    }

    [Fact]
    public async Task Without_the_token_the_page_asks_for_it_and_shows_no_session()
    {
        await using var host = new HostProcess(new Dictionary<string, string?>
        {
            ["Janus:WebSocketUrl"] = janus.Server.WebSocketUrl.ToString(),
            ["Api:Token"] = Token,
        });
        await host.StartAsync();
        await CreateAsync(host, "secret-room", "websocket", null);

        var dom = await HeadlessChromium.DumpDomAsync(host.BaseAddress, ScriptBudget);

        Assert.Contains("needs its API token", Text(dom));
        Assert.Empty(SessionRow().Matches(dom));
        Assert.DoesNotContain("secret-room", dom);
    }

    private static async Task CreateAsync(HostProcess host, string key, string transport, string? plugin)
    {
        using var created = await host.PostJsonAsync("v1/sessions", $$"""{"key":"{{key}}","transport":"{{transport}}"}""");
        await host.ReadJsonAsync(created, HttpStatusCode.Created);
        if (plugin is null) return;
        using var attached = await host.PostJsonAsync($"v1/sessions/{key}/handles", $$"""{"plugin":"{{plugin}}"}""");
        await host.ReadJsonAsync(attached, HttpStatusCode.Created);
    }

    /// <summary>What a person reads: tags removed, entities and whitespace collapsed.</summary>
    private static string Text(string html) => Regex.Replace(WebUtility.HtmlDecode(Tag().Replace(html, " ")), @"\s+", " ");
}
