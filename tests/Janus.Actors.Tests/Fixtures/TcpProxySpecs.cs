using System.Net.Sockets;

namespace Janus.Actors.Tests.Fixtures;

/// <summary>
/// The proxy the network faults go through (the specs' and the chaos soak's): a blackhole keeps the connection open and
/// carries nothing until it heals, then delivers what it held in order; a delay holds every chunk for its latency.
/// </summary>
[Trait(SpecKind.Name, SpecKind.InProcess)]
public sealed class TcpProxySpecs : IAsyncLifetime
{
    private readonly TcpListener _echo = new(IPAddress.Loopback, 0);
    private TcpProxy _proxy = null!;

    public Task InitializeAsync()
    {
        _echo.Start();
        _ = EchoAsync();
        _proxy = new TcpProxy(((IPEndPoint)_echo.LocalEndpoint).Port);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        _echo.Stop();
    }

    [Fact]
    public async Task A_blackhole_carries_nothing_until_it_heals_then_delivers_in_order()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, _proxy.Port);
        var stream = client.GetStream();
        Assert.Equal("a", await RoundTripAsync(stream, "a", TimeSpan.FromSeconds(5)));

        _proxy.Blackhole();
        await stream.WriteAsync("bc"u8.ToArray());
        var held = ReadAsync(stream, 2);
        // Nothing may come back while blackholed: a bounded wait for an absence, not a wait for a condition.
        Assert.NotSame(held, await Task.WhenAny(held, Task.Delay(TimeSpan.FromMilliseconds(500))));
        Assert.True(client.Connected);

        _proxy.Heal();
        Assert.Equal("bc", await held.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_delay_holds_every_chunk_for_its_latency()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, _proxy.Port);
        var stream = client.GetStream();
        _proxy.Delay(TimeSpan.FromMilliseconds(300));

        var clock = Stopwatch.StartNew();
        Assert.Equal("d", await RoundTripAsync(stream, "d", TimeSpan.FromSeconds(5)));
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(600), $"a round trip through two delayed hops took {clock.ElapsedMilliseconds} ms");

        _proxy.Heal();
        clock.Restart();
        Assert.Equal("e", await RoundTripAsync(stream, "e", TimeSpan.FromSeconds(5)));
        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(600), $"healed, a round trip still took {clock.ElapsedMilliseconds} ms");
    }

    private static async Task<string> RoundTripAsync(NetworkStream stream, string text, TimeSpan patience)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes(text));
        return await ReadAsync(stream, text.Length).WaitAsync(patience);
    }

    private static async Task<string> ReadAsync(NetworkStream stream, int count)
    {
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer);
        return Encoding.ASCII.GetString(buffer);
    }

    private async Task EchoAsync()
    {
        while (true)
        {
            TcpClient peer;
            try
            {
                peer = await _echo.AcceptTcpClientAsync();
            }
            catch (Exception e) when (e is ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = Task.Run(async () =>
            {
                using (peer)
                {
                    try
                    {
                        await peer.GetStream().CopyToAsync(peer.GetStream());
                    }
                    catch (IOException)
                    {
                        // the proxy closed the link
                    }
                }
            });
        }
    }
}
