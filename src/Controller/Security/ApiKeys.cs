using System.Security.Cryptography;
using HaCluster.Controller.Data;
using HaCluster.Controller.Domain;
using HaCluster.Controller.Pki;
using HaCluster.Shared.Tls;
using HaCluster.Shared.Vocabulary;

namespace HaCluster.Controller.Security;

/// <summary>
/// API keys for automation: <c>hck_ID_SECRET</c>, shown once, stored as the SHA-256 of the secret, sent as
/// <c>Authorization: Bearer KEY</c> on REST and gRPC. Listable (never the secret) and revocable.
/// </summary>
public sealed partial class ApiKeys(AccessRepository repository, AuditRepository audit, TimeProvider clock, ILogger<ApiKeys> logger)
{
    public const string Prefix = "hck_";

    public async Task<(string Key, ApiKeyInfo Info)> CreateAsync(string name, Role role, Actor who, CancellationToken ct)
    {
        if (!NodeName.IsValid(name))
        {
            throw new PkiRefusedException($"'{name}' is not a key name: {NodeName.Rule}", Refusal.Invalid);
        }

        if (!role.IsPersonRole())
        {
            throw new PkiRefusedException($"an API key's role is viewer, operator or admin, not '{role.Name()}'", Refusal.Invalid);
        }

        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var secret = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var info = new ApiKeyInfo(id, name, role, clock.GetUtcNow(), who.Describe(), null);
        await repository.AddKeyAsync(info, JoinToken.HashSecret(secret), ct);
        await audit.AddAsync(new AuditEvent(AuditActions.KeyCreate, id, who, info.CreatedAt, Detail: $"{name} ({role.Name()})"), ct);
        LogCreated(logger, id, name, role.Name(), who.Describe());
        return ($"{Prefix}{id}_{secret}", info);
    }

    public Task<IReadOnlyList<ApiKeyInfo>> ListAsync(CancellationToken ct) => repository.ListKeysAsync(ct);

    public async Task RevokeAsync(string id, Actor who, CancellationToken ct)
    {
        if (!await repository.RevokeKeyAsync(id, clock.GetUtcNow(), ct))
        {
            throw new PkiRefusedException($"there is no API key {id} to revoke", Refusal.NotFound);
        }

        await audit.AddAsync(new AuditEvent(AuditActions.KeyRevoke, id, who, clock.GetUtcNow()), ct);
        LogRevoked(logger, id, who.Describe());
    }

    /// <summary>The key's identity, or why it is refused (unknown, wrong secret, revoked: the same words for the first two).</summary>
    public async Task<(ApiKeyInfo? Key, string? Refusal)> AuthenticateAsync(string presented, CancellationToken ct)
    {
        var parts = presented.Split('_', 3);
        if (parts is not ["hck", { Length: 16 } id, { Length: 43 } secret])
        {
            return (null, "not an API key (hck_ID_SECRET)");
        }

        var stored = await repository.FindKeyAsync(id, ct);
        var hash = JoinToken.HashSecret(secret);
        if (stored is not { } found || !CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(found.SecretHash), System.Text.Encoding.ASCII.GetBytes(hash)))
        {
            return (null, "unknown API key");
        }

        return found.Key.RevokedAt is { } revoked ? (null, $"API key {id} ({found.Key.Name}) was revoked at {revoked:u}") : (found.Key, null);
    }

    [LoggerMessage(EventId = 71, Level = LogLevel.Warning, Message = "API key {Id} ({Name}, {Role}) created by {Who}")]
    private static partial void LogCreated(ILogger logger, string id, string name, string role, string who);

    [LoggerMessage(EventId = 72, Level = LogLevel.Warning, Message = "API key {Id} revoked by {Who}")]
    private static partial void LogRevoked(ILogger logger, string id, string who);
}
