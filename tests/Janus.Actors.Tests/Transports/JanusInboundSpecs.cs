using Akka.Event;

namespace Janus.Actors.Tests.Transports;

[Collection(TransportSpecs.Name)]
[Trait(SpecKind.Name, SpecKind.InProcess)]
public sealed class JanusInboundSpecs
{
    private static readonly ILoggingAdapter Log = NoLogger.Instance;

    [Fact]
    public void Reads_a_long_poll_answer_that_is_one_object()
    {
        var batch = JanusInbound.ParseBatch(""" {"janus":"event","sender":1}"""u8, Log);

        Assert.Equal(1L, Assert.Single(batch).Sender);
    }

    [Fact]
    public void Keeps_members_a_message_does_not_name()
    {
        var message = JanusInbound.Parse("""{"janus":"event","sender":1,"streams":[{"mid":"0"}]}"""u8, Log);

        Assert.Equal("0", message!.Extra!["streams"][0].GetProperty("mid").GetString());
    }

    [Fact]
    public void Reads_a_long_poll_answer_that_is_an_array()
    {
        var batch = JanusInbound.ParseBatch("""
            [ {"janus":"event","sender":1}, {"janus":"keepalive"} ]
            """u8, Log);

        Assert.Equal(["event", "keepalive"], batch.Select(m => m.Janus));
    }

    [Fact]
    public void Rejects_null_elements_of_a_batch_one_by_one()
    {
        using var rejected = new InboundRejectedRecorder();

        var batch = JanusInbound.ParseBatch("""[null,{"janus":"event"}]"""u8, Log);

        Assert.Equal("event", Assert.Single(batch).Janus);
        Assert.True(rejected.Count(JanusInbound.Malformed) >= 1);
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("42")]
    [InlineData("\"event\"")]
    [InlineData("{\"janus\":7}")]
    [InlineData("{\"sender\":7}")]
    [InlineData("[{\"janus\":\"event\"},")]
    public void Rejects_what_is_not_a_Janus_message(string json)
    {
        using var rejected = new InboundRejectedRecorder();

        Assert.Empty(JanusInbound.ParseBatch(System.Text.Encoding.UTF8.GetBytes(json), Log));
        Assert.True(rejected.Count(JanusInbound.Malformed) >= 1);
    }
}
