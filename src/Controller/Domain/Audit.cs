namespace HaCluster.Controller.Domain;

/// <summary>
/// Who did something: the name and role authentication established (never what the caller said), the source address
/// (forwarded headers count only from configured proxies) and the request id.
/// </summary>
public sealed record Actor(string Name, string Role, string? Address = null, string? RequestId = null)
{
    /// <summary>An administrator at the controller's host (whoever can read its data directory).</summary>
    public static readonly Actor CommandLine = new("the command line", "admin", "local");

    /// <summary>The controller itself (the first start's admin).</summary>
    public static readonly Actor Controller = new("the controller", "system", "local");

    public string Describe() => $"{Role} {Name}";

    public override string ToString() => Describe();
}

/// <summary>One line of the audit: a change, a sign-in or a refused call, with a diff (secrets redacted) where there is one.</summary>
public sealed record AuditEvent(string Action, string Target, Actor Actor, DateTimeOffset At, string? Before = null, string? After = null, string? Detail = null);

/// <summary>The audit's actions, one word each.</summary>
public static class AuditActions
{
    public const string Create = "create";
    public const string Update = "update";
    public const string Delete = "delete";
    public const string UserCreate = "user.create";
    public const string UserUpdate = "user.update";
    public const string UserDelete = "user.delete";
    public const string KeyCreate = "apikey.create";
    public const string KeyRevoke = "apikey.revoke";
    public const string TokenCreate = "token.create";
    public const string CertificateIssue = "cert.issue";
    public const string NodeRevoke = "node.revoke";
    public const string Rollback = "rollback";
    public const string Switchover = "switchover";
    public const string Confirm = "confirm";
    public const string Revert = "revert";
    public const string MaintenanceStart = "maintenance.start";
    public const string MaintenanceEnd = "maintenance.end";
    public const string KeyRotate = "hmac.rotate";
    public const string KeyStep = "hmac.step";
    public const string ChannelCreate = "alert-channel.create";
    public const string ChannelUpdate = "alert-channel.update";
    public const string ChannelDelete = "alert-channel.delete";
    public const string ChannelTest = "alert-channel.test";
    public const string Acknowledge = "incident.acknowledge";
    public const string QuietStart = "quiet.start";
    public const string QuietEnd = "quiet.end";
    public const string SignIn = "sign-in";
    public const string SignInFailed = "sign-in.failed";
    public const string Refused = "refused";
}

/// <summary>A query of the audit: newest first.</summary>
public sealed record AuditFilter(DateTimeOffset? From = null, DateTimeOffset? To = null, string? Who = null, string? Action = null, string? Target = null, int Limit = AuditFilter.DefaultLimit)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
}
