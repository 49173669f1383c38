using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Janus.Actors.Fixtures;

/// <summary>
/// The one call of the Kubernetes API that discovery makes — list the pods of a namespace by label — served over TLS on a
/// loopback port, with a bearer token and a CA file as a pod's service account has them: what a Kubernetes cluster would
/// answer, for host processes on this machine, which has none. Every pod runs on 127.0.0.1 with its own container port
/// named <c>remoting</c>. A request without the token is refused (403), as RBAC would.
/// </summary>
public sealed class FakeKubernetesApi : IAsyncDisposable
{
    public const string Namespace = "janus";
    public const string LabelSelector = "app=janus-actors";

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly X509Certificate2 _certificate;
    private readonly string _folder = Directory.CreateTempSubdirectory("janus-fake-kubernetes-").FullName;
    private readonly string _token = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
    private readonly IReadOnlyList<int> _remotingPorts;
    private readonly Task _serving;
    private int _listed;
    private int _refused;

    /// <param name="remotingPorts">One pod per port: the pods' Akka.Remote ports.</param>
    public FakeKubernetesApi(IReadOnlyList<int> remotingPorts)
    {
        _remotingPorts = remotingPorts;
        _certificate = SelfSigned();
        File.WriteAllText(CaPath, _certificate.ExportCertificatePem());
        File.WriteAllText(TokenPath, _token);
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string CaPath => Path.Combine(_folder, "ca.crt");

    public string TokenPath => Path.Combine(_folder, "token");

    /// <summary>Pod listings answered with the pods.</summary>
    public int Listed => Volatile.Read(ref _listed);

    /// <summary>Requests refused: no token, another namespace or selector, another path.</summary>
    public int Refused => Volatile.Read(ref _refused);

    /// <summary>
    /// What a host needs to find this API as a pod finds its cluster's: the environment, and trust in the API's CA. In a pod
    /// the Kubernetes client trusts the service account's <c>ca.crt</c> (in-cluster configuration, at fixed paths); here
    /// OpenSSL's <c>SSL_CERT_FILE</c> makes the CA file the process's trusted roots, the one TLS peer it has.
    /// </summary>
    public IReadOnlyDictionary<string, string?> HostSettings => new Dictionary<string, string?>
    {
        ["KUBERNETES_SERVICE_HOST"] = "127.0.0.1",
        ["KUBERNETES_SERVICE_PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["SSL_CERT_FILE"] = CaPath,
    };

    /// <summary>The service account's paths, which a pod has at fixed places, as HOCON.</summary>
    public string Hocon => $"""
                            akka.discovery.kubernetes-api.api-ca-path = "{CaPath}"
                            akka.discovery.kubernetes-api.api-token-path = "{TokenPath}"
                            akka.discovery.kubernetes-api.pod-namespace = "{Namespace}"
                            """;

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = Task.Run(() => AnswerAsync(client));
        }
    }

    private async Task AnswerAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            await using var tls = new SslStream(client.GetStream());
            await tls.AuthenticateAsServerAsync(_certificate);
            var head = await ReadHeadAsync(tls);
            var (status, body) = Answer(head);
            var bytes = Encoding.UTF8.GetBytes(body);
            await tls.WriteAsync(Encoding.ASCII.GetBytes(
                $"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n"));
            await tls.WriteAsync(bytes);
        }
        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException or ObjectDisposedException)
        {
            // a client that went away
        }
    }

    private (string Status, string Body) Answer(string head)
    {
        var lines = head.Split("\r\n");
        var target = lines[0].Split(' ') is [_, var path, ..] ? Uri.UnescapeDataString(path) : "";
        var authorized = lines.Any(l => l.Equals($"Authorization: Bearer {_token}", StringComparison.OrdinalIgnoreCase));
        if (!authorized || !target.StartsWith($"/api/v1/namespaces/{Namespace}/pods?", StringComparison.Ordinal)
                        || !target.Contains($"labelSelector={LabelSelector}", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _refused);
            return ("403 Forbidden", """{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Forbidden","code":403}""");
        }
        Interlocked.Increment(ref _listed);
        var pods = _remotingPorts.Select((port, i) => $$$"""
            {"metadata":{"name":"janus-actors-{{{i}}}","namespace":"{{{Namespace}}}","labels":{"app":"janus-actors"}},
             "spec":{"containers":[{"name":"host","ports":[{"name":"http","containerPort":5080},{"name":"remoting","containerPort":{{{port}}}}]}]},
             "status":{"phase":"Running","podIP":"127.0.0.1"}}
            """);
        return ("200 OK", $$"""{"kind":"PodList","apiVersion":"v1","metadata":{},"items":[{{string.Join(",", pods)}}]}""");
    }

    private static async Task<string> ReadHeadAsync(Stream stream)
    {
        var head = new StringBuilder();
        var buffer = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && head.Length < 16_384)
        {
            if (await stream.ReadAsync(buffer) == 0) break;
            head.Append((char)buffer[0]);
        }
        return head.ToString();
    }

    /// <summary>A certificate for 127.0.0.1 that is its own CA, as a cluster's API server certificate is signed by the CA its pods trust.</summary>
    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try { await _serving; }
        catch (OperationCanceledException) { }
        _certificate.Dispose();
        _stop.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
