using System.Threading.Channels;

namespace Janus.Actors.Tests.Transports;

/// <summary>
/// An HTTP server on a free loopback port standing in for Janus's REST transport: every request waits until the test
/// answers it, so a test decides what each POST and each long poll gets, and when.
/// </summary>
internal sealed class FakeJanusHttpServer : IDisposable
{
    private readonly HttpListener _listener;
    private readonly Channel<FakeHttpExchange> _exchanges = Channel.CreateUnbounded<FakeHttpExchange>();
    private readonly Task _accepting;

    public FakeJanusHttpServer()
    {
        (_listener, Port) = Listen();
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>What <see cref="JanusOptions.RestUrl"/> would be for this server.</summary>
    public Uri RestUrl => new($"http://127.0.0.1:{Port}/janus");

    /// <summary>The next request the server received.</summary>
    public async Task<FakeHttpExchange> NextRequestAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await _exchanges.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>True when no request arrives within <paramref name="wait"/>.</summary>
    public async Task<bool> StaysQuietAsync(TimeSpan wait)
    {
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            await _exchanges.Reader.WaitToReadAsync(timeout.Token);
            return false;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    public void Dispose()
    {
        _listener.Close();
        _accepting.Wait(TimeSpan.FromSeconds(5));
    }

    private static (HttpListener, int) Listen()
    {
        // HttpListener cannot bind port 0: take a free port and retry if another process grabs it first.
        for (var attempt = 1; ; attempt++)
        {
            var port = LoopbackPorts.Free();
            var listener = new HttpListener { Prefixes = { $"http://127.0.0.1:{port}/" } };
            try
            {
                listener.Start();
                return (listener, port);
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close();
            }
        }
    }

    private async Task AcceptAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            await _exchanges.Writer.WriteAsync(new FakeHttpExchange(context, body));
        }
    }
}

/// <summary>One request to <see cref="FakeJanusHttpServer"/>, waiting for the test's answer.</summary>
internal sealed class FakeHttpExchange(HttpListenerContext context, string body)
{
    public string Method { get; } = context.Request.HttpMethod;

    /// <summary>Path and query, e.g. <c>/janus/5?maxev=10</c>.</summary>
    public string PathAndQuery { get; } = context.Request.Url!.PathAndQuery;

    public string Body { get; } = body;

    /// <summary>Closes the connection without an answer, as Janus does to a long poll whose session it destroyed meanwhile.</summary>
    public void CloseWithoutAnswer() => context.Response.Abort();

    /// <summary>Answers with <paramref name="status"/> and, unless null, a JSON body.</summary>
    public async Task RespondAsync(int status, string? json = null)
    {
        var response = context.Response;
        response.StatusCode = status;
        try
        {
            if (json is not null)
            {
                var bytes = Encoding.UTF8.GetBytes(json);
                response.ContentType = "application/json";
                response.ContentLength64 = bytes.Length;
                await response.OutputStream.WriteAsync(bytes);
            }
            response.Close();
        }
        catch (HttpListenerException)
        {
            // The client gave up on this request (a replaced long poll): nobody is listening.
        }
    }
}
