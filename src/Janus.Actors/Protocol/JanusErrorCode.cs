namespace Janus.Actors.Protocol;

/// <summary>Janus core API error codes, as in <c>src/apierror.h</c> of meetecho/janus-gateway.</summary>
public enum JanusErrorCode
{
    Unauthorized = 403,
    UnauthorizedPlugin = 405,
    TransportSpecific = 450,
    MissingRequest = 452,
    UnknownRequest = 453,
    InvalidJson = 454,
    InvalidJsonObject = 455,
    MissingMandatoryElement = 456,
    InvalidRequestPath = 457,
    SessionNotFound = 458,
    HandleNotFound = 459,
    PluginNotFound = 460,
    PluginAttach = 461,
    PluginMessage = 462,
    PluginDetach = 463,
    JsepUnknownType = 464,
    JsepInvalidSdp = 465,
    TrickleInvalidStream = 466,
    InvalidElementType = 467,
    SessionConflict = 468,
    UnexpectedAnswer = 469,
    TokenNotFound = 470,
    WebRtcState = 471,
    NotAcceptingSessions = 472,
    Unknown = 490,
}
