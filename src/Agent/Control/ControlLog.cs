using Microsoft.Extensions.Logging;

namespace HaCluster.Agent.Control;

/// <summary>Every log line of this component, source-generated, with event ids unique in the process.</summary>
internal static partial class ControlLog
{
    [LoggerMessage(EventId = 50, Level = LogLevel.Information, Message = "controller {Address}: connected as node {Node}; {Pending} journaled event(s) to send (session {Session})")]
    public static partial void ControllerConnected(ILogger logger, string address, string node, int pending, long session);

    [LoggerMessage(EventId = 51, Level = LogLevel.Warning, Message = "controller {Address} unreachable: {Error}; {Pending} event(s) kept in the journal; instances keep running")]
    public static partial void ControllerUnreachable(ILogger logger, string address, string error, int pending);

    [LoggerMessage(EventId = 52, Level = LogLevel.Warning, Message = "controller {Address} ended the stream; reconnecting")]
    public static partial void ControllerStreamEnded(ILogger logger, string address);

    [LoggerMessage(EventId = 53, Level = LogLevel.Warning, Message = "controller sent a message this agent does not know ({Kind}); ignored")]
    public static partial void UnknownControllerMessage(ILogger logger, string kind);

    [LoggerMessage(EventId = 54, Level = LogLevel.Information, Message = "certificate of node {Node} renewed over the link; valid until {NotAfter:yyyy-MM-ddTHH:mm:ssZ}")]
    public static partial void CertificateRenewed(ILogger logger, string node, DateTime notAfter);

    [LoggerMessage(EventId = 55, Level = LogLevel.Warning, Message = "certificate renewal failed: {Problem}; trying again; the current certificate is valid until {NotAfter:yyyy-MM-ddTHH:mm:ssZ}")]
    public static partial void RenewalFailed(ILogger logger, string problem, DateTime notAfter);

    [LoggerMessage(EventId = 60, Level = LogLevel.Warning, Message = "event journal full ({Capacity}): dropped the oldest event (instance={Instance} boot={BootId} sequence={Sequence}); {Dropped} dropped so far")]
    public static partial void JournalFull(ILogger logger, long dropped, string instance, string bootId, ulong sequence, int capacity);

    [LoggerMessage(EventId = 61, Level = LogLevel.Error, Message = "event journal {Path}: cannot write: {Error}")]
    public static partial void JournalWriteFailed(ILogger logger, string path, string error);

    [LoggerMessage(EventId = 62, Level = LogLevel.Warning, Message = "event journal {Path}: unreadable from byte {Offset} ({Bytes} bytes skipped): {Error}")]
    public static partial void JournalCorrupt(ILogger logger, string path, long offset, long bytes, string error);
}
