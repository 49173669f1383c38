using System.Text.RegularExpressions;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace Janus.Actors.Tests.Host;

/// <summary>
/// docker-compose.yml, checked without Docker: <c>docker-compose config</c> must accept it, and what it makes of it must
/// be a three-node cluster on one PostgreSQL journal and one Janus (with the repository's Janus config), where every
/// service has a health check and a restart policy, nodes wait for a healthy database and Janus, nothing is published
/// beyond 127.0.0.1, and the secrets come from the environment.
/// </summary>
public sealed class DockerComposeSpecs(DockerComposeSpecs.Configured compose) : IClassFixture<DockerComposeSpecs.Configured>
{
    private const string ApiToken = "spec-token-4f1c";
    private const string DatabasePassword = "spec-password-9b2e";

    /// <summary>The file as Compose reads it with both required secrets set, read once for the class.</summary>
    public sealed class Configured : IAsyncLifetime
    {
        public DockerComposeConfig Config { get; private set; } = null!;

        public async Task InitializeAsync() =>
            Config = await DockerComposeConfig.ReadAsync(new Dictionary<string, string>
            {
                ["JANUS_ACTORS_API_TOKEN"] = ApiToken,
                ["POSTGRES_PASSWORD"] = DatabasePassword,
            });

        public Task DisposeAsync() => Task.CompletedTask;
    }

    private DockerComposeConfig Config => compose.Config;

    /// <summary>The host nodes: the services that run in cluster mode.</summary>
    private List<(string Name, YamlMappingNode Node)> Nodes =>
        Config.Services.Entries().Where(s => s.Node.Find("environment") is not null && s.Node.Mapping("environment").Text("Cluster__Enabled") == "true").ToList();

    [Fact]
    public void Compose_accepts_the_file()
    {
        Assert.True(Config.ExitCode == 0, $"docker-compose config exited with {Config.ExitCode}: {Config.Errors}");
        Assert.Equal(["janus", "node1", "node2", "node3", "postgres"], Config.Services.Entries().Select(s => s.Name).Order());
    }

    [Theory]
    [InlineData("JANUS_ACTORS_API_TOKEN", "POSTGRES_PASSWORD")]
    [InlineData("POSTGRES_PASSWORD", "JANUS_ACTORS_API_TOKEN")]
    public async Task Compose_refuses_to_start_without_the_API_token_or_the_database_password(string missing, string given)
    {
        var config = await DockerComposeConfig.ReadAsync(new Dictionary<string, string> { [given] = "set" });

        Assert.NotEqual(0, config.ExitCode);
        Assert.Contains($"set {missing}", config.Errors);
    }

    [Fact]
    public void Three_nodes_with_their_own_hostnames_join_through_the_same_seeds_naming_each_other()
    {
        var nodes = Nodes;
        Assert.Equal(3, nodes.Count);

        var hostnames = nodes.Select(n => n.Node.Mapping("environment").Text("Cluster__Hostname")).ToList();
        // What other nodes reach a node at: its service name on the compose network, one per node.
        Assert.Equal(nodes.Select(n => n.Name), hostnames);

        var seedLists = nodes.Select(n => n.Node.Mapping("environment").Text("Cluster__Seeds")).Distinct().ToList();
        var seeds = Assert.Single(seedLists)!.Split(',', StringSplitOptions.TrimEntries);
        var addresses = nodes.Select(n => $"{n.Node.Mapping("environment").Text("Cluster__Hostname")}:{n.Node.Mapping("environment").Text("Cluster__Port")}");
        Assert.Equal(addresses.Order(), seeds.Order());
    }

    [Fact]
    public void Every_node_journals_to_the_shared_PostgreSQL_and_talks_to_the_one_Janus()
    {
        var services = Config.Services.Entries().Select(s => s.Name).ToHashSet();
        foreach (var (name, node) in Nodes)
        {
            var environment = node.Mapping("environment");
            Assert.True(environment.Text("Journal__Provider") == "postgresql", $"{name}: Journal__Provider {environment.Text("Journal__Provider")}");
            var connection = environment.Text("Journal__ConnectionString") ?? "";
            Assert.Contains("Host=postgres;", connection);
            Assert.Contains("postgres", services);
            Assert.Equal("ws://janus:8188/", environment.Text("Janus__WebSocketUrl"));
            Assert.Equal("http://janus:8088/janus", environment.Text("Janus__RestUrl"));
        }
        Assert.StartsWith("postgres:15", Config.Services.Mapping("postgres").Text("image"));
        // The journal outlives the containers.
        Assert.Contains(Config.Services.Mapping("postgres").Texts("volumes"), v => Regex.IsMatch(v, "^postgres-data:/var/lib/postgresql/data"));
        Assert.NotNull(Config.Root.Mapping("volumes").Find("postgres-data"));
    }

    [Fact]
    public void Secrets_come_from_the_environment_not_from_the_file()
    {
        foreach (var (name, node) in Nodes)
        {
            var environment = node.Mapping("environment");
            Assert.True(environment.Text("Api__Token") == ApiToken, $"{name}: Api__Token is not JANUS_ACTORS_API_TOKEN");
            Assert.Contains($"Password={DatabasePassword}", environment.Text("Journal__ConnectionString"));
        }
        Assert.Equal(DatabasePassword, Config.Services.Mapping("postgres").Mapping("environment").Text("POSTGRES_PASSWORD"));
        Assert.DoesNotContain(ApiToken, File.ReadAllText(Path.Combine(HostProcess.RepositoryRoot(), "docker-compose.yml")));
    }

    [Fact]
    public void Every_service_has_a_health_check_and_a_restart_policy()
    {
        foreach (var (name, service) in Config.Services.Entries())
        {
            var test = service.Find("healthcheck") is null ? [] : service.Mapping("healthcheck").Texts("test");
            Assert.True(test.Count > 1 && test[0] is "CMD" or "CMD-SHELL", $"{name} has no health check");
            Assert.True(service.Text("restart") is "unless-stopped" or "always" or "on-failure", $"{name}: restart {service.Text("restart") ?? "(none)"}");
        }
        // Nodes report liveness (no token needed), not readiness: an outage of Janus or the journal is no reason to restart them.
        Assert.All(Nodes, n => Assert.Contains("http://127.0.0.1:5080/healthz", n.Node.Mapping("healthcheck").Texts("test")));
    }

    [Fact]
    public void Nodes_start_only_once_PostgreSQL_and_Janus_are_healthy()
    {
        foreach (var (name, node) in Nodes)
        {
            var dependsOn = node.Mapping("depends_on");
            foreach (var dependency in (string[])["postgres", "janus"])
                Assert.True(dependsOn.Find(dependency) is not null && dependsOn.Mapping(dependency).Text("condition") == "service_healthy",
                    $"{name} does not wait for a healthy {dependency}");
        }
    }

    [Fact]
    public void Janus_runs_the_repository_config_read_only_with_a_reclaim_window()
    {
        var deployJanus = Path.Combine(HostProcess.RepositoryRoot(), "deploy", "janus");
        Assert.Contains($"{deployJanus}:/etc/janus:ro", Config.Services.Mapping("janus").Texts("volumes"));
        // Without a reclaim window Janus destroys a WebSocket session when its node dies: nothing could fail over.
        var window = Regex.Match(File.ReadAllText(Path.Combine(deployJanus, "janus.jcfg")), @"^\s*reclaim_session_timeout\s*=\s*(\d+)", RegexOptions.Multiline);
        Assert.True(window.Success && int.Parse(window.Groups[1].Value) > 0, "deploy/janus/janus.jcfg has no reclaim_session_timeout > 0");
    }

    [Fact]
    public void Every_image_builds_from_files_of_this_repository()
    {
        foreach (var (name, service) in Config.Services.Entries().Where(s => s.Node.Find("build") is not null))
        {
            var build = service.Mapping("build");
            var dockerfile = Path.Combine(build.Text("context")!, build.Text("dockerfile") ?? "Dockerfile");
            Assert.True(File.Exists(dockerfile), $"{name}: no {dockerfile}");
        }
        // The host image restores from the project files alone before copying the code: each project the host builds
        // from must be copied in that step, or the restore misses it (a new ProjectReference needs a COPY line).
        var root = HostProcess.RepositoryRoot();
        var hostDockerfile = File.ReadAllText(Path.Combine(root, "deploy", "docker", "host", "Dockerfile"));
        foreach (var project in ProjectClosure(Path.Combine(root, "src", "Janus.Actors.Host", "Janus.Actors.Host.csproj")))
            Assert.True(Regex.IsMatch(hostDockerfile, $@"^COPY[ \t]+(\S+[ \t]+)*{Regex.Escape(Path.GetRelativePath(root, project))}[ \t]", RegexOptions.Multiline),
                $"deploy/docker/host/Dockerfile does not copy {Path.GetRelativePath(root, project)} before its restore");
    }

    [Fact]
    public void Published_ports_are_on_the_machines_loopback_only()
    {
        var published = Config.Services.Entries().SelectMany(s => PublishedPorts(s.Node).Select(p => (s.Name, Port: p))).ToList();
        Assert.All(published, p => Assert.True(p.Port.StartsWith("127.0.0.1:", StringComparison.Ordinal), $"{p.Name} publishes {p.Port}"));
        // Each node's API on a port of its own.
        var apiPorts = Nodes.Select(n => Assert.Single(PublishedPorts(n.Node)).Split(':')[1]).ToList();
        Assert.Equal(3, apiPorts.Distinct().Count());
        Assert.Empty(PublishedPorts(Config.Services.Mapping("postgres")));
    }

    /// <summary>A project and every project it references, directly or not.</summary>
    private static IEnumerable<string> ProjectClosure(string project)
    {
        var seen = new HashSet<string>();
        var pending = new Stack<string>([Path.GetFullPath(project)]);
        while (pending.TryPop(out var next))
        {
            if (!seen.Add(next)) continue;
            foreach (Match reference in Regex.Matches(File.ReadAllText(next), "<ProjectReference Include=\"([^\"]+)\""))
                pending.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(next)!, reference.Groups[1].Value)));
        }
        return seen;
    }

    /// <summary>
    /// Each published port as <c>address:published:target</c>. Compose prints a port bound to an address in the short
    /// form (<c>127.0.0.1:5081:5080/tcp</c>) and one without an address as a mapping (published, target): all interfaces.
    /// </summary>
    private static IEnumerable<string> PublishedPorts(YamlMappingNode service)
    {
        if (service.Find("ports") is not YamlSequenceNode ports) yield break;
        foreach (var port in ports)
            yield return port is YamlMappingNode longForm
                ? $"{longForm.Text("host_ip") ?? "0.0.0.0"}:{longForm.Text("published")}:{longForm.Text("target")}"
                : port.ToString();
    }
}
