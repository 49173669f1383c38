using Janus.Actors.Servers;
using Microsoft.Extensions.Configuration;

namespace Janus.Actors.Tests.Servers;

[Trait(SpecKind.Name, SpecKind.InProcess)]
public sealed class JanusServerSettingsSpecs
{
    [Fact]
    public void The_single_server_settings_are_the_one_server_named_default()
    {
        var options = new JanusOptions
        {
            WebSocketUrl = new Uri("ws://127.0.0.1:8188/"), ApiSecret = "s3cret", AdminUrl = new Uri("http://127.0.0.1:7088/admin"), AdminSecret = "adm1n",
        };

        var server = Assert.Single(options.EffectiveServers());
        Assert.Equal((JanusServerSettings.DefaultName, options.WebSocketUrl, (Uri?)null, "s3cret", options.AdminUrl, "adm1n"),
            (server.Name, server.WebSocketUrl, server.RestUrl, server.ApiSecret, server.AdminUrl, server.AdminSecret));
        options.Validate();
        Assert.DoesNotContain("adm1n", options.ToString());
        Assert.Contains("AdminSecret = set", options.ToString());
    }

    [Fact]
    public void Servers_bind_from_configuration_with_their_own_credentials_and_placement_settings()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Janus:Servers:0:Name"] = "janus-a",
            ["Janus:Servers:0:WebSocketUrl"] = "ws://10.0.0.7:8188/",
            ["Janus:Servers:0:ApiSecret"] = "secret-a",
            ["Janus:Servers:0:Capacity"] = "2000",
            ["Janus:Servers:0:Zone"] = "eu-1",
            ["Janus:Servers:1:Name"] = "janus-b",
            ["Janus:Servers:1:RestUrl"] = "http://10.0.0.8:8088/janus",
            ["Janus:Servers:1:AdminUrl"] = "http://10.0.0.8:7088/admin",
            ["Janus:Servers:1:AdminSecret"] = "admin-b",
            ["Janus:Servers:1:Weight"] = "2",
        }).Build();

        var options = configuration.GetSection("Janus").Get<JanusOptions>()!;

        Assert.Equal(["janus-a", "janus-b"], options.EffectiveServers().Select(s => s.Name));
        Assert.Equal(("secret-a", 2000, "eu-1", 1), (options.Servers[0].ApiSecret, options.Servers[0].Capacity, options.Servers[0].Zone, options.Servers[0].Weight));
        Assert.Equal((new Uri("http://10.0.0.8:7088/admin"), 2, (int?)null), (options.Servers[1].AdminUrl, options.Servers[1].Weight, options.Servers[1].Capacity));
        options.Validate();
    }

    [Fact]
    public void Every_server_setting_that_cannot_work_is_named_at_once()
    {
        var options = new JanusOptions
        {
            Servers =
            [
                new JanusServerSettings { Name = "a", WebSocketUrl = new Uri("http://10.0.0.7:8188/"), Capacity = 0 },
                new JanusServerSettings { Name = "A", RestUrl = new Uri("http://10.0.0.8:8088/janus"), AdminUrl = new Uri("http://10.0.0.8:7088/admin") },
                new JanusServerSettings { Name = "bad name", Weight = -1 },
            ],
        };

        var failure = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains("server 'a': WebSocketUrl must be an absolute ws:// or wss:// URL", failure.Message);
        Assert.Contains("server 'a': Capacity must be at least 1", failure.Message);
        Assert.Contains("server 'A': AdminUrl needs AdminSecret", failure.Message);
        Assert.Contains("server name 'a' is used 2 times", failure.Message);
        Assert.Contains("server name 'bad name' must be", failure.Message);
        Assert.Contains("server 'bad name': WebSocketUrl or RestUrl (or both) must be set", failure.Message);
        Assert.Contains("server 'bad name': Weight must not be negative", failure.Message);
    }

    [Fact]
    public void Servers_and_the_single_server_settings_are_one_or_the_other()
    {
        var options = new JanusOptions
        {
            WebSocketUrl = new Uri("ws://127.0.0.1:8188/"),
            Servers = [new JanusServerSettings { Name = "a", WebSocketUrl = new Uri("ws://10.0.0.7:8188/") }],
        };

        Assert.Contains("not both", Assert.Throws<ArgumentException>(options.Validate).Message);
    }

    [Fact]
    public void A_configuration_whose_every_server_is_retired_takes_no_session_and_is_refused()
    {
        var options = new JanusOptions { Servers = [new JanusServerSettings { Name = "old", WebSocketUrl = new Uri("ws://10.0.0.7:8188/"), Retired = true }] };

        Assert.Contains("every server is retired", Assert.Throws<ArgumentException>(options.Validate).Message);
    }

    [Fact]
    public void Secrets_never_show_when_settings_are_printed()
    {
        var server = new JanusServerSettings { Name = "a", WebSocketUrl = new Uri("ws://10.0.0.7:8188/"), ApiSecret = "api-1", Token = "token-1", AdminSecret = "admin-1" };
        var printed = $"{new JanusOptions { Servers = [server] }} {server}";

        Assert.DoesNotContain("api-1", printed);
        Assert.DoesNotContain("token-1", printed);
        Assert.DoesNotContain("admin-1", printed);
        Assert.Contains("AdminSecret = set", printed);
    }
}
