namespace HaCluster.Controller.Pki;

/// <summary>Every log line of this component, source-generated, with event ids unique in the process.</summary>
internal static partial class PkiLog
{
    [LoggerMessage(EventId = 60, Level = LogLevel.Information, Message = "join token {Id} created by {Who} for node {Node}, valid until {ExpiresAt:u}")]
    public static partial void TokenCreated(ILogger logger, string id, string who, string node, DateTimeOffset expiresAt);

    [LoggerMessage(EventId = 61, Level = LogLevel.Information, Message = "node {Node} enrolled from {Peer} with join token {Id}; certificate {Serial} valid until {NotAfter:u}")]
    public static partial void Enrolled(ILogger logger, string node, string peer, string id, string serial, DateTimeOffset notAfter);

    [LoggerMessage(EventId = 62, Level = LogLevel.Warning, Message = "enrollment from {Peer} refused: {Reason}")]
    public static partial void EnrollmentRefused(ILogger logger, string peer, string reason);

    [LoggerMessage(EventId = 63, Level = LogLevel.Information, Message = "certificate of {Role} {Name} renewed: {Serial} valid until {NotAfter:u} (replaces {Previous})")]
    public static partial void Renewed(ILogger logger, string role, string name, string serial, DateTimeOffset notAfter, string previous);

    [LoggerMessage(EventId = 64, Level = LogLevel.Warning, Message = "node {Node} revoked by {Who}: {Count} certificate(s)")]
    public static partial void NodeRevoked(ILogger logger, string node, string who, int count);

    [LoggerMessage(EventId = 65, Level = LogLevel.Information, Message = "certificate {Serial} issued by {Who} for {Role} {Name}, valid until {NotAfter:u}")]
    public static partial void Issued(ILogger logger, string serial, string who, string role, string name, DateTimeOffset notAfter);

    [LoggerMessage(EventId = 66, Level = LogLevel.Warning, Message = "revocations: cannot read the database: {Error}; trying again")]
    public static partial void RevocationPollFailed(ILogger logger, string error);
}
