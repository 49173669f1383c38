using YamlDotNet.RepresentationModel;

namespace Janus.Actors.Tests.Host;

/// <summary>
/// deploy/kubernetes, checked without a Kubernetes cluster: the pods are found by the label selector the nodes are given,
/// on the port named <c>remoting</c> their Akka.Remote listens on; their service account may list pods; their secrets
/// are files; and a real host given the manifest's settings accepts them and asks the Kubernetes API for the nodes
/// (which, outside Kubernetes, it cannot reach, and says so).
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class KubernetesManifestSpecs(PostgresFixture postgres)
{
    private static readonly string Folder = Path.Combine(HostProcess.RepositoryRoot(), "deploy", "kubernetes");

    private static IReadOnlyList<YamlMappingNode> Documents { get; } = Directory.GetFiles(Folder, "*.yaml").Order().SelectMany(file =>
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(file);
        stream.Load(reader);
        return stream.Documents.Select(document => (YamlMappingNode)document.RootNode);
    }).ToList();

    private static YamlMappingNode Kind(string kind) => Documents.Single(document => document.Text("kind") == kind);

    private static IReadOnlyDictionary<string, string> Settings =>
        Kind("ConfigMap").Mapping("data").Children.ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => ((YamlScalarNode)c.Value).Value!);

    private static YamlMappingNode PodSpec => Kind("Deployment").Mapping("spec").Mapping("template").Mapping("spec");

    private static YamlMappingNode Container => (YamlMappingNode)((YamlSequenceNode)PodSpec.Find("containers")!).Children.Single();

    [Fact]
    public void Discovery_finds_the_pods_by_their_labels_on_their_remoting_port()
    {
        var settings = Settings;
        Assert.Equal("kubernetes", settings["Cluster__Discovery"]);
        var labels = Kind("Deployment").Mapping("spec").Mapping("template").Mapping("metadata").Mapping("labels");
        var selector = settings["Cluster__KubernetesPodLabelSelector"].Split('=');
        Assert.Equal(selector[1], labels.Text(selector[0]));
        Assert.Equal(selector[1], Kind("Deployment").Mapping("spec").Mapping("selector").Mapping("matchLabels").Text(selector[0]));

        var ports = ((YamlSequenceNode)Container.Find("ports")!).Children.Cast<YamlMappingNode>().ToDictionary(p => p.Text("name")!, p => p.Text("containerPort"));
        Assert.Equal(settings["Cluster__Port"], ports["remoting"]); // the port name discovery asks for
        Assert.Equal(Kind("Deployment").Mapping("spec").Text("replicas"), settings["Cluster__RequiredContactPoints"]);
        // Each node is reached at its pod's address.
        var hostname = ((YamlSequenceNode)Container.Find("env")!).Children.Cast<YamlMappingNode>().Single(e => e.Text("name") == "Cluster__Hostname");
        Assert.Equal("status.podIP", hostname.Mapping("valueFrom").Mapping("fieldRef").Text("fieldPath"));
    }

    [Fact]
    public void The_pods_service_account_may_list_pods_and_nothing_more()
    {
        var account = PodSpec.Text("serviceAccountName");
        Assert.Equal(account, Kind("ServiceAccount").Mapping("metadata").Text("name"));
        var binding = Kind("RoleBinding");
        Assert.Contains(((YamlSequenceNode)binding.Find("subjects")!).Children.Cast<YamlMappingNode>(),
            subject => subject.Text("kind") == "ServiceAccount" && subject.Text("name") == account);
        var role = Kind("Role");
        Assert.Equal(role.Mapping("metadata").Text("name"), binding.Mapping("roleRef").Text("name"));
        var rule = (YamlMappingNode)((YamlSequenceNode)role.Find("rules")!).Children.Single();
        Assert.Equal(["pods"], rule.Texts("resources"));
        Assert.Equal(["get", "list", "watch"], rule.Texts("verbs").Order());
    }

    [Fact]
    public void Probes_a_headless_service_and_a_disruption_budget_take_one_node_at_a_time()
    {
        Assert.Equal("/healthz", Container.Mapping("livenessProbe").Mapping("httpGet").Text("path"));
        Assert.Contains("/readyz", string.Join(' ', Container.Mapping("readinessProbe").Mapping("exec").Texts("command")));
        Assert.True(int.Parse(PodSpec.Text("terminationGracePeriodSeconds")!, System.Globalization.CultureInfo.InvariantCulture) >= 30,
            "a node needs time to leave the cluster and hand its sessions over");
        Assert.Equal("0", Kind("Deployment").Mapping("spec").Mapping("strategy").Mapping("rollingUpdate").Text("maxSurge"));
        var headless = Documents.Single(d => d.Text("kind") == "Service" && d.Mapping("spec").Text("clusterIP") == "None");
        Assert.Equal("janus-actors", headless.Mapping("spec").Mapping("selector").Text("app"));
        var budget = Kind("PodDisruptionBudget").Mapping("spec");
        Assert.Equal("1", budget.Text("maxUnavailable"));
        Assert.Equal("janus-actors", budget.Mapping("selector").Mapping("matchLabels").Text("app"));
        var image = Container.Text("image")!;
        Assert.Matches("^[^:@]+[:@][^:]+$", image); // a tag or a digest
        Assert.DoesNotMatch(":latest$", image);
    }

    [Fact]
    public void Secrets_are_files_and_never_settings_in_the_clear()
    {
        Assert.DoesNotContain("secretKeyRef", string.Join('\n', ((YamlSequenceNode)Container.Find("env")!).Children.Select(e => e.ToString())));
        Assert.DoesNotContain(Settings.Keys, key => key is "Api__Token" or "Journal__ConnectionString" or "Janus__ApiSecret");
        var mount = ((YamlSequenceNode)Container.Find("volumeMounts")!).Children.Cast<YamlMappingNode>().Single();
        Assert.Equal("/run/secrets", mount.Text("mountPath"));
        var volume = ((YamlSequenceNode)PodSpec.Find("volumes")!).Children.Cast<YamlMappingNode>().Single(v => v.Text("name") == mount.Text("name"));
        Assert.Equal("janus-actors", volume.Mapping("secret").Text("secretName"));
    }

    [Fact]
    public async Task A_host_given_the_manifests_settings_asks_the_Kubernetes_API_for_the_nodes()
    {
        var settings = Settings.ToDictionary(s => s.Key.Replace("__", ":", StringComparison.Ordinal), s => (string?)s.Value);
        settings["Cluster:Hostname"] = "127.0.0.1";
        settings["Cluster:Port"] = LoopbackPorts.Free().ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Journal:ConnectionString"] = await postgres.Server.CreateDatabaseAsync();
        settings["Janus:WebSocketUrl"] = "ws://127.0.0.1:9/";
        settings.Remove("Janus:RestUrl");
        settings.Remove("Logging:Format"); // plain lines, to read them here
        await using var host = new HostProcess(settings);

        await host.StartListeningAsync();

        await host.WaitForLogAsync("KUBERNETES_SERVICE_HOST"); // outside Kubernetes: no API server to ask, said plainly
        await host.WaitForLogAsync("Cluster discovery (Kubernetes) failed");
        Assert.False(host.HasExited);
    }
}
