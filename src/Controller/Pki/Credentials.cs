using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HaCluster.Controller.Data;
using HaCluster.Controller.Domain;
using HaCluster.Shared.Tls;
using HaCluster.Shared.Vocabulary;
using Microsoft.Extensions.Options;

namespace HaCluster.Controller.Pki;

/// <summary>
/// Every credential operation, for the command line, the REST API and the gRPC services alike: join tokens, enrollment,
/// renewal, certificates for people and tools, and revocation. Each refusal is a <see cref="PkiRefusedException"/> with
/// the reason the caller is told.
/// </summary>
public sealed class Credentials(
    ControllerPki pki, CredentialRepository repository, AuditRepository audit, Revocations revocations, IOptions<TlsOptions> options, TimeProvider clock, ILogger<Credentials> logger)
{
    public static readonly TimeSpan DefaultTokenLifetime = TimeSpan.FromHours(1);
    public static readonly TimeSpan MaxTokenLifetime = TimeSpan.FromDays(7);
    private const int MaxRequestLength = 16 * 1024;

    /// <summary>A new single-use token for <paramref name="node"/>; the only time its secret exists outside the agent.</summary>
    public async Task<(JoinToken Token, DateTimeOffset ExpiresAt)> CreateTokenAsync(string node, TimeSpan? lifetime, Actor who, CancellationToken ct)
    {
        var authority = pki.RequireAuthority();
        if (!NodeName.IsValid(node))
        {
            throw new PkiRefusedException($"'{node}' is not a node name ({NodeName.Rule})", Refusal.Invalid);
        }

        var ttl = lifetime ?? DefaultTokenLifetime;
        if (ttl < TimeSpan.FromSeconds(1) || ttl > MaxTokenLifetime)
        {
            throw new PkiRefusedException($"a join token lives between 1 second and {MaxTokenLifetime.TotalDays:0} days, not {ttl}", Refusal.Invalid);
        }

        var token = JoinToken.New(authority.Pin);
        var now = clock.GetUtcNow();
        await repository.AddTokenAsync(
            new StoredJoinToken(token.Id, JoinToken.HashSecret(token.Secret), node, now, now + ttl, who.Describe()), ct);
        await audit.AddAsync(new AuditEvent(AuditActions.TokenCreate, node, who, now, Detail: $"token {token.Id}, valid until {now + ttl:u}"), ct);
        PkiLog.TokenCreated(logger, token.Id, who.Describe(), node, now + ttl);
        return (token, now + ttl);
    }

    /// <summary>Redeems <paramref name="tokenText"/> for a certificate of <paramref name="node"/> over the request's key.</summary>
    public async Task<X509Certificate2> EnrollAsync(string tokenText, string node, string requestPem, string peer, CancellationToken ct)
    {
        try
        {
            var authority = pki.RequireAuthority();
            if (!JoinToken.TryParse(tokenText, out var token))
            {
                throw new PkiRefusedException("not a join token (hc1.ID.SECRET.CAHASH)", Refusal.Invalid);
            }

            var stored = await repository.FindTokenAsync(token.Id, ct);
            var now = clock.GetUtcNow();
            if (stored is null || !CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.ASCII.GetBytes(stored.SecretHash), System.Text.Encoding.ASCII.GetBytes(JoinToken.HashSecret(token.Secret))))
            {
                throw new PkiRefusedException("unknown join token");
            }

            if (stored.UsedAt is { } usedAt)
            {
                throw new PkiRefusedException($"this join token was used already (at {usedAt:u}): a token enrolls one agent once; create a new one");
            }

            if (stored.ExpiresAt <= now)
            {
                throw new PkiRefusedException($"this join token expired at {stored.ExpiresAt:u}: create a new one");
            }

            if (stored.Node != node)
            {
                throw new PkiRefusedException($"this join token is for node {stored.Node}, not {node}");
            }

            var key = ReadRequest(requestPem);
            var certificate = authority.IssueClient(key, node, Role.Agent, now, options.Value.AgentCertificateLifetime);
            if (!await repository.RedeemAsync(token.Id, now, peer, Record(certificate, node, Role.Agent, $"enrollment, token {token.Id}"), ct))
            {
                throw new PkiRefusedException("this join token was used already: a token enrolls one agent once; create a new one");
            }

            PkiLog.Enrolled(logger, node, peer, token.Id, certificate.SerialNumber, certificate.NotAfter);
            return certificate;
        }
        catch (PkiRefusedException e)
        {
            PkiLog.EnrollmentRefused(logger, peer, e.Message);
            throw;
        }
    }

    /// <summary>The CA certificate (PEM) that renewed certificates chain to.</summary>
    public string CaPem => pki.RequireAuthority().Pem;

    /// <summary>A new certificate for <paramref name="name"/> in <paramref name="role"/> (the caller's own), over the request's key.</summary>
    public async Task<X509Certificate2> RenewAsync(string previousSerial, string name, Role role, string requestPem, CancellationToken ct)
    {
        var authority = pki.RequireAuthority();
        var key = ReadRequest(requestPem);
        var lifetime = role == Role.Agent ? options.Value.AgentCertificateLifetime : options.Value.PersonCertificateLifetime;
        var certificate = authority.IssueClient(key, name, role, clock.GetUtcNow(), lifetime);
        await repository.AddCertificateAsync(Record(certificate, name, role, $"renewal of {previousSerial}"), ct);
        PkiLog.Renewed(logger, role.Name(), name, certificate.SerialNumber, certificate.NotAfter, previousSerial);
        return certificate;
    }

    /// <summary>A key and certificate for a person or a tool (<c>hacluster-controller cert create</c>), made here.</summary>
    public async Task<X509Certificate2> IssueAsync(string name, Role role, TimeSpan? lifetime, Actor who, CancellationToken ct)
    {
        var authority = pki.RequireAuthority();
        if (!NodeName.IsValid(name))
        {
            throw new PkiRefusedException($"'{name}' is not a name ({NodeName.Rule})", Refusal.Invalid);
        }

        var ttl = lifetime ?? options.Value.PersonCertificateLifetime;
        if (ttl < TlsOptions.MinimumLifetime || ttl > TimeSpan.FromDays(3660))
        {
            throw new PkiRefusedException($"a certificate lives between 1 minute and 3660 days, not {ttl}", Refusal.Invalid);
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var certificate = authority.IssueClient(new PublicKey(key), name, role, clock.GetUtcNow(), ttl);
        await repository.AddCertificateAsync(Record(certificate, name, role, $"issued by {who}"), ct);
        await audit.AddAsync(new AuditEvent(AuditActions.CertificateIssue, name, who, clock.GetUtcNow(), Detail: $"{role.Name()} certificate {certificate.SerialNumber}"), ct);
        PkiLog.Issued(logger, certificate.SerialNumber, who.Describe(), role.Name(), name, certificate.NotAfter);
        return certificate.CopyWithPrivateKey(key);
    }

    /// <summary>Revokes every certificate of node <paramref name="node"/>: its stream is cut, and it must enroll again with a new token.</summary>
    public async Task<int> RevokeNodeAsync(string node, Actor who, CancellationToken ct)
    {
        pki.RequireAuthority();
        var count = await repository.RevokeAsync(node, Role.Agent.Name(), clock.GetUtcNow(), ct);
        if (count == 0)
        {
            throw new PkiRefusedException($"node {node} has no certificate to revoke", Refusal.NotFound);
        }

        await audit.AddAsync(new AuditEvent(AuditActions.NodeRevoke, node, who, clock.GetUtcNow(), Detail: $"{count} certificate(s)"), ct);
        PkiLog.NodeRevoked(logger, node, who.Describe(), count);
        await revocations.RefreshAsync(ct);
        return count;
    }

    private static IssuedCertificate Record(X509Certificate2 certificate, string name, Role role, string issuedFor) =>
        new(certificate.SerialNumber, name, role.Name(), new DateTimeOffset(certificate.NotBefore.ToUniversalTime()),
            new DateTimeOffset(certificate.NotAfter.ToUniversalTime()), issuedFor);

    /// <summary>The public key of a signed PKCS#10 request (its signature checked): ECDSA P-256/P-384 or RSA of 2048 bits or more.</summary>
    private static PublicKey ReadRequest(string pem)
    {
        if (pem.Length > MaxRequestLength)
        {
            throw new PkiRefusedException($"the certificate request is larger than {MaxRequestLength / 1024} KiB", Refusal.Invalid);
        }

        CertificateRequest request;
        try
        {
            request = CertificateRequest.LoadSigningRequestPem(pem, HashAlgorithmName.SHA256);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new PkiRefusedException($"not a signed certificate request (PKCS#10, PEM): {e.Message}", Refusal.Invalid);
        }

        using var ec = request.PublicKey.GetECDsaPublicKey();
        using var rsa = ec is null ? request.PublicKey.GetRSAPublicKey() : null;
        var fit = ec is { KeySize: 256 or 384 } || rsa is { KeySize: >= 2048 };
        return fit ? request.PublicKey : throw new PkiRefusedException("the request's key is neither ECDSA P-256/P-384 nor RSA of 2048 bits or more", Refusal.Invalid);
    }
}
