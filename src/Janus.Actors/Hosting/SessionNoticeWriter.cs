using System.Threading.Channels;
using Akka.Actor;
using Janus.Actors.Sessions;

namespace Janus.Actors.Hosting;

/// <summary>Bridges a session's notices into a channel read by <see cref="IJanusSessions.EventsAsync"/>.</summary>
internal sealed class SessionNoticeWriter : ReceiveActor
{
    public static Props Props(ChannelWriter<IJanusSessionNotice> writer) =>
        Akka.Actor.Props.Create(() => new SessionNoticeWriter(writer));

    private readonly ChannelWriter<IJanusSessionNotice> _writer;

    public SessionNoticeWriter(ChannelWriter<IJanusSessionNotice> writer)
    {
        _writer = writer;
        Receive<IJanusSessionNotice>(notice =>
        {
            if (!_writer.TryWrite(notice))
            {
                _writer.TryComplete(new InvalidOperationException("the subscriber fell behind the session's events"));
                Context.Stop(Self);
            }
            else if (notice is SessionEnded)
                Context.Stop(Self);
        });
    }

    protected override void PostStop() => _writer.TryComplete();
}
