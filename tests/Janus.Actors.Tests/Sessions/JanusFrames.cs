using Janus.Actors.Protocol;

namespace Janus.Actors.Tests.Sessions;

/// <summary>Replies as Janus 1.1.2 sends them, for driving a session through <see cref="FakeConnection"/>.</summary>
internal static class JanusFrames
{
    public static JanusTransportReports.Received Parse(string json) =>
        new(JanusMessage.Parse(System.Text.Encoding.UTF8.GetBytes(json)));

    public static JanusTransportReports.Received CreateSuccess(string transaction, long id) =>
        Parse($$$"""{"janus":"success","transaction":"{{{transaction}}}","data":{"id":{{{id}}}}}""");

    public static JanusTransportReports.Received ClaimSuccess(string transaction, long id) =>
        Parse($$$"""{"janus":"success","transaction":"{{{transaction}}}","session_id":{{{id}}}}""");

    public static JanusTransportReports.Received Ack(string transaction, long id) =>
        Parse($$$"""{"janus":"ack","transaction":"{{{transaction}}}","session_id":{{{id}}}}""");

    public static JanusTransportReports.Received Error(string transaction, int code, string reason) =>
        Parse($$$"""{"janus":"error","transaction":"{{{transaction}}}","error":{"code":{{{code}}},"reason":"{{{reason}}}"}}""");

    public static JanusTransportReports.Received Info(string transaction, int sessionTimeout, int reclaimTimeout) =>
        Parse($$$"""{"janus":"server_info","transaction":"{{{transaction}}}","session-timeout":{{{sessionTimeout}}},"reclaim-session-timeout":{{{reclaimTimeout}}}}""");
}
