using System.Text.Json.Serialization;

namespace HaCluster.Controller.Domain;

/// <summary>
/// A group as JSON carries it — the REST API's request and response bodies, the stored row, the audit trail — with
/// plain arrays, so that any JSON (missing lists, null elements) reads into it and the validator can name every
/// problem. <see cref="ToGroup"/> and <see cref="Of"/> are the only conversions. <see cref="Comment"/> and
/// <see cref="ConfirmWithin"/> are the save's (why; confirm-or-revert), <see cref="ConfirmBy"/> a reply's (when an
/// unconfirmed save reverts).
/// </summary>
public sealed record GroupDocument(
    string? Name,
    int Vrid,
    string? Interface,
    int Version = 2,
    double AdvertInterval = 1,
    string? AuthPass = null,
    bool Preempt = true,
    double PreemptDelay = 0,
    IReadOnlyList<Vip?>? VirtualIps = null,
    IReadOnlyList<Member?>? Members = null,
    bool? AuthPassSet = null,
    string? Auth = null,
    GroupDocument.KeyringDocument? Keyring = null,
    HmacStatus? Hmac = null,
    string? Comment = null,
    string? Primary = null,
    double? Linger = null,
    string? ConfirmWithin = null,
    DateTimeOffset? ConfirmBy = null,
    string? DrillSchedule = null,
    int? DrillLimitMs = null)
{
    /// <summary>The whole group, its password and keys included: for storage only (and the agents' link renders from the domain).</summary>
    public static GroupDocument Of(VipGroup group) => new(
        group.Name, group.Vrid, group.Interface, group.Version, group.AdvertInterval, group.AuthPass, group.Preempt, group.PreemptDelay,
        [.. group.VirtualIps], [.. group.Members], Auth: group.Auth, Keyring: KeyringDocument.Of(group.Keyring), Primary: group.Primary, Linger: group.Linger,
        DrillSchedule: group.DrillSchedule, DrillLimitMs: group.DrillLimitMs);

    /// <summary>The group as every read path shows it: the password write-only (<c>authPassSet</c>), no key (<c>hmac</c>: which signs, since when).</summary>
    public static GroupDocument Public(VipGroup group) =>
        Of(group) with { AuthPass = null, AuthPassSet = !string.IsNullOrEmpty(group.AuthPass), Keyring = null, Hmac = HmacStatus.Of(group.Keyring) };

    /// <summary>For the audit: the password as "(set)" or "(changed)", the keys as their ids and ages — never a value.</summary>
    public static GroupDocument Audited(VipGroup group, VipGroup? other) => Of(group) with
    {
        AuthPass = string.IsNullOrEmpty(group.AuthPass) ? null
            : other is not null && !string.IsNullOrEmpty(other.AuthPass) && other.AuthPass != group.AuthPass ? "(redacted, changed)" : "(redacted)",
        Keyring = KeyringDocument.Of(group.Keyring?.WithSecrets(_ => Secrets.Redacted)),
    };

    /// <summary>
    /// The group as sent: a missing string is empty, a missing list empty; null elements stay for the validator to name.
    /// A missing <see cref="Primary"/> stays null (a save keeps the stored one; <c>""</c> clears it).
    /// </summary>
    public VipGroup ToGroup() => new(
        Name ?? "", Vrid, Interface ?? "", Version, AdvertInterval, AuthPass, Preempt, PreemptDelay,
        [.. (VirtualIps ?? []).Select(v => v!)], [.. (Members ?? []).Select(m => m!)], Auth, Keyring?.ToKeyring(), Primary,
        Linger ?? VipGroup.DefaultLingerSeconds, string.IsNullOrWhiteSpace(DrillSchedule) ? null : DrillSchedule.Trim(), DrillLimitMs ?? VipGroup.DefaultDrillLimitMs);

    /// <summary>A keyring as JSON carries it (plain lists).</summary>
    public sealed record KeyringDocument(IReadOnlyList<GroupKey>? Keys, int ActiveKey, string? Mode, int? Activating = null, int? Retiring = null)
    {
        public static KeyringDocument? Of(GroupKeyring? keyring) =>
            keyring is null ? null : new([.. keyring.Keys], keyring.ActiveKey, keyring.Mode, keyring.Activating, keyring.Retiring);

        public GroupKeyring ToKeyring() => new([.. Keys ?? []], ActiveKey, Mode ?? GroupKeyring.Enforce, Activating, Retiring);
    }
}

/// <summary>Source-generated JSON binding for group documents, camelCase as the REST API speaks it.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(GroupDocument))]
[JsonSerializable(typeof(List<GroupDocument>))]
public sealed partial class GroupJsonContext : JsonSerializerContext;
