using System.Security.Cryptography;
using HaCluster.Shared.Collections;

namespace HaCluster.Controller.Domain;

/// <summary>One HMAC key of a group: id 1..255, 32 random bytes (hex), when it was made. Its value is never shown.</summary>
public sealed record GroupKey(int Id, string Secret, DateTimeOffset CreatedAt)
{
    public override string ToString() => $"key {Id} of {CreatedAt:u} (redacted)";
}

/// <summary>
/// The HMAC keys the controller keeps for a group with <c>"auth": "hmac"</c> — generated here, never typed by a person,
/// sent only to the members' agents — and where its make-before-break changes stand. Each step is one pushed revision,
/// taken only when every connected member runs the one before (<see cref="Next"/>): a new key is first accepted
/// everywhere, then signs everywhere, then the old one is retired; a group moving from PASS or none goes receive-only →
/// permissive → enforce. No advert is refused on the way, so no member changes state.
/// </summary>
public sealed record GroupKeyring(EquatableArray<GroupKey> Keys, int ActiveKey, string Mode, int? Activating = null, int? Retiring = null)
{
    public const string Enforce = "enforce";
    public const string Permissive = "permissive";
    public const string ReceiveOnly = "receive-only";
    public const int KeyBytes = 32;

    public GroupKey Active => Keys.First(k => k.Id == ActiveKey);

    /// <summary>Whether nothing is under way: one key, enforced.</summary>
    public bool Settled => Activating is null && Retiring is null && Mode == Enforce;

    /// <summary>A first key: enforced at once for a new group; from receive-only for a running group that had another auth.</summary>
    public static GroupKeyring Create(DateTimeOffset now, bool migrating) =>
        new([NewKey(1, now)], 1, migrating ? ReceiveOnly : Enforce);

    /// <summary>Starts a rotation: a new key, accepted by every member before it signs. Null while another change is under way.</summary>
    public GroupKeyring? Rotate(DateTimeOffset now)
    {
        if (!Settled)
        {
            return null;
        }

        var id = Enumerable.Range(1, 255).Select(i => (ActiveKey + i - 1) % 255 + 1).First(i => Keys.All(k => k.Id != i));
        return this with { Keys = [.. Keys, NewKey(id, now)], Activating = id };
    }

    /// <summary>The next step once every member runs this one; null when settled.</summary>
    public GroupKeyring? Next() => this switch
    {
        { Activating: { } id } => this with { ActiveKey = id, Activating = null, Retiring = ActiveKey },
        { Retiring: { } old } => this with { Keys = [.. Keys.Where(k => k.Id != old)], Retiring = null },
        { Mode: ReceiveOnly } => this with { Mode = Permissive },
        { Mode: Permissive } => this with { Mode = Enforce },
        _ => null,
    };

    /// <summary>The same keyring with each key's value passed through <paramref name="map"/> (encrypt, decrypt, redact).</summary>
    public GroupKeyring WithSecrets(Func<string, string> map) => this with { Keys = [.. Keys.Select(k => k with { Secret = map(k.Secret) })] };

    /// <summary>What a step is, for the audit and the log.</summary>
    public string Describe() => this switch
    {
        { Activating: { } id } => $"key {id} accepted by every member, key {ActiveKey} signs",
        { Retiring: { } old } => $"key {ActiveKey} signs, key {old} still accepted",
        _ when Mode != Enforce => $"key {ActiveKey}, {Mode}",
        _ => $"key {ActiveKey} signs, enforced",
    };

    private static GroupKey NewKey(int id, DateTimeOffset now) => new(id, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(KeyBytes)), now);
}

/// <summary>A group's HMAC state as readers see it: no key, only which one signs, since when, and the step under way.</summary>
public sealed record HmacStatus(int ActiveKey, DateTimeOffset KeyCreatedAt, string Mode, bool Rolling, string Step)
{
    public static HmacStatus? Of(GroupKeyring? keyring) =>
        keyring is null ? null : new(keyring.ActiveKey, keyring.Active.CreatedAt, keyring.Mode, !keyring.Settled, keyring.Describe());
}
