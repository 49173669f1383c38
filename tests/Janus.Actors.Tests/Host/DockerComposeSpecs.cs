using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Janus.Actors.Tests.Host;

/// <summary>
/// docker-compose.yml, checked without Docker: <c>docker-compose config</c> must accept it, and what it makes of it must
/// be a three-node cluster on one PostgreSQL journal and one Janus (with the repository's Janus config), where every
/// service has a health check and a restart policy, nodes wait for a healthy database and Janus, nothing is published
/// beyond 127.0.0.1, the secrets are files (never environment variables) that deploy/docker/make-secrets.sh writes, and
/// every image is pinned to a release.
/// </summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class DockerComposeSpecs(DockerComposeSpecs.Configured compose) : IClassFixture<DockerComposeSpecs.Configured>
{
    /// <summary>The file as Compose reads it without any variable, read once for the class.</summary>
    public sealed class Configured : IAsyncLifetime
    {
        public DockerComposeConfig Config { get; private set; } = null!;

        public async Task InitializeAsync() => Config = await DockerComposeConfig.ReadAsync(new Dictionary<string, string>());

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
    public void Secrets_reach_the_containers_as_files_never_as_environment_variables()
    {
        var root = HostProcess.RepositoryRoot();
        string[] secretSettings = ["Api__Token", "Journal__ConnectionString", "Janus__ApiSecret"];
        foreach (var (name, node) in Nodes)
        {
            foreach (var setting in secretSettings)
                Assert.True(node.Mapping("environment").Find(setting) is null, $"{name}: {setting} is an environment variable");
            var mounted = ((YamlSequenceNode)node["secrets"]).Cast<YamlMappingNode>().ToDictionary(m => m.Text("target")!, m => m.Text("source"));
            Assert.Equal(secretSettings.Order(), mounted.Keys.Order());
            Assert.Equal("api_token", mounted["Api__Token"]);
            Assert.Equal("journal_connection_string", mounted["Journal__ConnectionString"]);
        }
        var postgres = Config.Services.Mapping("postgres");
        Assert.Null(postgres.Mapping("environment").Find("POSTGRES_PASSWORD"));
        Assert.Equal("/run/secrets/postgres_password", postgres.Mapping("environment").Text("POSTGRES_PASSWORD_FILE"));
        Assert.Null(Config.Services.Mapping("janus").Find("environment"));
        foreach (var (secret, definition) in Config.Root.Mapping("secrets").Entries())
            Assert.Equal(Path.Combine(root, "secrets", secret), definition.Text("file"));
        Assert.Contains("/secrets/", File.ReadAllLines(Path.Combine(root, ".gitignore")));
    }

    [Fact]
    public async Task make_secrets_writes_every_secret_once_readable_by_the_containers_and_no_one_else()
    {
        var folder = Path.Combine(Directory.CreateTempSubdirectory("janus-actors-secrets-").FullName, "secrets");
        try
        {
            var script = Path.Combine(HostProcess.RepositoryRoot(), "deploy", "docker", "make-secrets.sh");
            await RunAsync("sh", script, folder);
            var first = Config.Root.Mapping("secrets").Entries().ToDictionary(s => s.Name, s => File.ReadAllText(Path.Combine(folder, s.Name)));

            Assert.Matches("^[0-9a-f]{48}$", first["api_token"]);
            Assert.Matches("^[0-9a-f]{48}$", first["postgres_password"]);
            Assert.Equal($"Host=postgres;Port=5432;Database=janus_actors;Username=janus;Password={first["postgres_password"]}", first["journal_connection_string"]);
            Assert.Equal("", first["janus_api_secret"]);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
            Assert.All(first.Keys, secret => Assert.Equal(
                UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                File.GetUnixFileMode(Path.Combine(folder, secret))));

            await RunAsync("sh", script, folder);
            Assert.All(first, secret => Assert.Equal(secret.Value, File.ReadAllText(Path.Combine(folder, secret.Key))));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(folder)!, recursive: true);
        }
    }

    [Fact]
    public void Every_image_and_base_image_is_pinned_to_a_release()
    {
        var root = HostProcess.RepositoryRoot();
        var pulled = Config.Services.Entries().Where(s => s.Node.Find("build") is null).Select(s => (s.Name, Image: s.Node.Text("image")!));
        var bases = Directory.GetFiles(Path.Combine(root, "deploy", "docker"), "Dockerfile", SearchOption.AllDirectories)
            .SelectMany(file => Regex.Matches(File.ReadAllText(file), @"^FROM\s+(\S+)", RegexOptions.Multiline)
                .Select(m => (Path.GetRelativePath(root, file), Image: m.Groups[1].Value)));
        // A release (postgres:15.20-bookworm, sdk:10.0.401, debian:12.11-slim), not a moving tag (postgres:15, sdk:10.0, debian:bookworm-slim).
        Assert.All(pulled.Concat(bases), image => Assert.True(Regex.IsMatch(image.Image, @":\d+\.\d+(\.\d+|-[a-z]|[.-]\d)"),
            $"{image.Item1}: {image.Image} is not pinned to a release"));
    }

    private static async Task RunAsync(string program, params string[] arguments)
    {
        var info = new System.Diagnostics.ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        using var process = System.Diagnostics.Process.Start(info)!;
        var errors = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await errors}");
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
