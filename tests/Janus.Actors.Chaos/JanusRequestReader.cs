using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Janus.Actors.Chaos;

/// <summary>
/// Reads the Janus API requests out of what a client sends on one connection, chunk by chunk: HTTP requests (the REST
/// transport: <c>POST /janus[/{session}[/{handle}]]</c> with a JSON body, <c>GET /janus/{session}</c> a long poll) or,
/// after a WebSocket upgrade, the client's (masked) text frames. Each request is reported as its <c>janus</c> verb
/// (<c>poll</c> for a long poll) and the session it names; what cannot be read is reported as <c>unreadable</c>.
/// </summary>
public sealed class JanusRequestReader(Action<string, long?> request)
{
    private const int OpcodeClose = 8;

    private byte[] _buffer = new byte[4096];
    private int _count;
    private bool _webSocket;
    private readonly List<byte> _message = [];

    public void Feed(ReadOnlySpan<byte> chunk)
    {
        if (_count + chunk.Length > _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _count + chunk.Length));
        chunk.CopyTo(_buffer.AsSpan(_count));
        _count += chunk.Length;
        while (_webSocket ? TryReadFrame() : TryReadHttpRequest())
        {
        }
    }

    private bool TryReadHttpRequest()
    {
        var pending = _buffer.AsSpan(0, _count);
        var end = pending.IndexOf("\r\n\r\n"u8);
        if (end < 0) return false;
        var head = Encoding.ASCII.GetString(pending[..end]).Split("\r\n");
        var headers = head.Skip(1).Select(line => line.Split(':', 2)).Where(kv => kv.Length == 2)
            .ToDictionary(kv => kv[0].Trim(), kv => kv[1].Trim(), StringComparer.OrdinalIgnoreCase);
        var length = headers.TryGetValue("Content-Length", out var declared) && int.TryParse(declared, out var n) ? n : 0;
        if (_count < end + 4 + length) return false;
        var body = pending.Slice(end + 4, length).ToArray();
        Consume(end + 4 + length);

        var requestLine = head[0].Split(' ');
        if (headers.TryGetValue("Upgrade", out var upgrade) && upgrade.Equals("websocket", StringComparison.OrdinalIgnoreCase))
        {
            _webSocket = true;
            return true;
        }
        var path = requestLine.Length > 1 ? requestLine[1].Split('?')[0].Split('/', StringSplitOptions.RemoveEmptyEntries) : [];
        long? session = path.Length > 1 && long.TryParse(path[1], out var id) ? id : null;
        if (requestLine[0] == "GET")
            request("poll", session);
        else
            Report(body, session);
        return true;
    }

    private bool TryReadFrame()
    {
        var pending = _buffer.AsSpan(0, _count);
        if (pending.Length < 2) return false;
        var fin = (pending[0] & 0x80) != 0;
        var opcode = pending[0] & 0x0F;
        var masked = (pending[1] & 0x80) != 0;
        long length = pending[1] & 0x7F;
        var offset = 2;
        if (length == 126)
        {
            if (pending.Length < 4) return false;
            length = BinaryPrimitives.ReadUInt16BigEndian(pending[2..]);
            offset = 4;
        }
        else if (length == 127)
        {
            if (pending.Length < 10) return false;
            length = (long)BinaryPrimitives.ReadUInt64BigEndian(pending[2..]);
            offset = 10;
        }
        var mask = offset;
        if (masked) offset += 4;
        if (pending.Length < offset + length) return false;
        var payload = pending.Slice(offset, (int)length).ToArray();
        if (masked)
            for (var i = 0; i < payload.Length; i++)
                payload[i] ^= pending[mask + i % 4];
        Consume(offset + (int)length);

        if (opcode >= OpcodeClose) return true; // close, ping and pong carry no request
        _message.AddRange(payload);
        if (!fin) return true;
        Report([.. _message], null);
        _message.Clear();
        return true;
    }

    /// <summary>Reports a JSON request: its verb and the session it names (in its body, or else its REST path).</summary>
    private void Report(byte[] json, long? pathSession)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            var verb = root.TryGetProperty("janus", out var janus) && janus.ValueKind == JsonValueKind.String ? janus.GetString()! : "unreadable";
            long? session = root.TryGetProperty("session_id", out var id) && id.TryGetInt64(out var value) ? value : pathSession;
            request(verb, session);
        }
        catch (JsonException)
        {
            request("unreadable", pathSession);
        }
    }

    private void Consume(int bytes)
    {
        Buffer.BlockCopy(_buffer, bytes, _buffer, 0, _count - bytes);
        _count -= bytes;
    }
}
