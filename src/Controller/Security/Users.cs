using System.Security.Cryptography;
using HaCluster.Controller.Data;
using HaCluster.Controller.Domain;
using HaCluster.Controller.Pki;
using HaCluster.Shared.Tls;
using HaCluster.Shared.Vocabulary;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace HaCluster.Controller.Security;

/// <summary>
/// Local users for people: passwords hashed with ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/>, a lockout
/// after failures in a row, and a stamp that changes with the password or role and ends the sessions made before.
/// On first start <c>admin</c> is created with <c>HACLUSTER_ADMIN_PASSWORD</c> or a random password written once to a
/// 0600 file (named on the console, never in the log).
/// </summary>
public sealed partial class Users(AccessRepository repository, AuditRepository audit, IOptions<AccessOptions> options, TimeProvider clock, ILogger<Users> logger)
{
    public const string FirstAdmin = "admin";
    public const string PasswordVariable = "HACLUSTER_ADMIN_PASSWORD";
    public const string PasswordFileName = "admin-password";
    private const int MinimumPasswordLength = 12;
    private const int MaximumPasswordLength = 256;
    private static readonly PasswordHasher<LocalUser> Hasher = new();

    /// <summary>What a sign-in gives: the user, or why not (the same words for an unknown user and a wrong password).</summary>
    public sealed record SignInResult(LocalUser? User, string? Stamp, string? Refusal, bool LockedOut = false);

    /// <summary>Creates <c>admin</c> when there is no user yet: whether it did, and the password file when one was written.</summary>
    public async Task<(bool Created, string? File)> BootstrapAsync(string dataDir, string? password, CancellationToken ct)
    {
        if (await repository.AnyUserAsync(ct))
        {
            return (false, null);
        }

        string? file = null;
        var generated = string.IsNullOrEmpty(password);
        password = generated ? Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', 'x').Replace('/', 'y') : password!;
        await CreateAsync(FirstAdmin, Role.Admin, password, Actor.Controller, ct);
        if (generated)
        {
            // Written once the user exists (atomically, 0600): whoever reads it can sign in at once.
            PrivateFiles.EnsureDirectory(dataDir);
            file = Path.Combine(Path.GetFullPath(dataDir), PasswordFileName);
            PrivateFiles.WriteText(file, password + "\n");
        }

        return (true, file);
    }

    public async Task<LocalUser> CreateAsync(string name, Role role, string password, Actor who, CancellationToken ct)
    {
        if (!NodeName.IsValid(name))
        {
            throw new PkiRefusedException($"'{name}' is not a user name: {NodeName.Rule}", Refusal.Invalid);
        }

        CheckRole(role);
        CheckPassword(password);
        var user = new LocalUser(name, role, clock.GetUtcNow(), who.Describe(), null);
        if (!await repository.AddUserAsync(user, Hasher.HashPassword(user, password), NewStamp(), ct))
        {
            throw new PkiRefusedException($"there is already a user {name}", Refusal.Invalid);
        }

        await audit.AddAsync(new AuditEvent(AuditActions.UserCreate, name, who, user.CreatedAt, After: $"{{\"role\":\"{role.Name()}\",\"password\":\"(redacted)\"}}"), ct);
        LogCreated(logger, name, role.Name(), who.Describe());
        return user;
    }

    public Task<IReadOnlyList<LocalUser>> ListAsync(CancellationToken ct) => repository.ListUsersAsync(ct);

    /// <summary>Sets the role and/or password; the user's sessions end (a new stamp).</summary>
    public async Task UpdateAsync(string name, Role? role, string? password, Actor who, CancellationToken ct)
    {
        if (role is { } r)
        {
            CheckRole(r);
            if (r != Role.Admin && await IsLastAdminAsync(name, ct))
            {
                throw new PkiRefusedException($"{name} is the last admin: make another admin first", Refusal.Denied);
            }
        }

        string? hash = null;
        if (password is not null)
        {
            CheckPassword(password);
            hash = Hasher.HashPassword(new LocalUser(name, Role.Unspecified, default, "", null), password);
        }

        if (!await repository.UpdateUserAsync(name, role, hash, NewStamp(), ct))
        {
            throw new PkiRefusedException($"there is no user {name}", Refusal.NotFound);
        }

        await audit.AddAsync(new AuditEvent(AuditActions.UserUpdate, name, who, clock.GetUtcNow(),
            Detail: $"role {role?.Name() ?? "unchanged"}, password {(password is null ? "unchanged" : "changed (redacted)")}"), ct);
        LogUpdated(logger, name, role?.Name() ?? "unchanged", password is null ? "unchanged" : "changed", who.Describe());
    }

    public async Task DeleteAsync(string name, Actor who, CancellationToken ct)
    {
        if (await IsLastAdminAsync(name, ct))
        {
            throw new PkiRefusedException($"{name} is the last admin: make another admin first", Refusal.Denied);
        }

        if (!await repository.DeleteUserAsync(name, ct))
        {
            throw new PkiRefusedException($"there is no user {name}", Refusal.NotFound);
        }

        await audit.AddAsync(new AuditEvent(AuditActions.UserDelete, name, who, clock.GetUtcNow()), ct);
        LogDeleted(logger, name, who.Describe());
    }

    public async Task<SignInResult> SignInAsync(string name, string password, CancellationToken ct)
    {
        const string Wrong = "wrong user name or password";
        if (name.Length is 0 or > 64 || password.Length is 0 or > MaximumPasswordLength)
        {
            return new SignInResult(null, null, Wrong);
        }

        var stored = await repository.FindUserAsync(name, ct);
        var now = clock.GetUtcNow();
        if (stored is null)
        {
            // The same work as for a real user, so that timing does not tell which names exist.
            _ = Hasher.VerifyHashedPassword(new LocalUser(name, Role.Unspecified, default, "", null), DummyHash, password);
            return new SignInResult(null, null, Wrong);
        }

        if (stored.User.LockedUntil is { } until && until > now)
        {
            return new SignInResult(null, null, $"{name} is locked out after {options.Value.LockoutFailures} failed sign-ins until {until:u}", LockedOut: true);
        }

        var verified = Hasher.VerifyHashedPassword(stored.User, stored.PasswordHash, password) != PasswordVerificationResult.Failed;
        var lockedUntil = now + options.Value.LockoutDuration;
        await repository.RecordSignInAsync(name, verified, options.Value.LockoutFailures, lockedUntil, ct);
        if (!verified)
        {
            var lockedNow = stored.FailedSignIns + 1 >= options.Value.LockoutFailures;
            return lockedNow
                ? new SignInResult(null, null, $"{name} is locked out after {options.Value.LockoutFailures} failed sign-ins until {lockedUntil:u}", LockedOut: true)
                : new SignInResult(null, null, Wrong);
        }

        return new SignInResult(stored.User, stored.Stamp, null);
    }

    /// <summary>Whether a session made with <paramref name="stamp"/> still stands: the user exists, in that role, with that stamp.</summary>
    public async Task<string?> SessionProblemAsync(string name, Role role, string stamp, CancellationToken ct)
    {
        var stored = await repository.FindUserAsync(name, ct);
        return stored is null ? $"user {name} no longer exists"
            : stored.Stamp != stamp || stored.User.Role != role ? $"the password or role of {name} changed since this session began: sign in again"
            : null;
    }

    private static readonly string DummyHash = Hasher.HashPassword(new LocalUser("", Role.Unspecified, default, "", null), "not a password of anyone");

    private async Task<bool> IsLastAdminAsync(string name, CancellationToken ct) =>
        await repository.FindUserAsync(name, ct) is { User.Role: Role.Admin } && await repository.CountUsersAsync(Role.Admin, ct) <= 1;

    private static void CheckRole(Role role)
    {
        if (!role.IsPersonRole())
        {
            throw new PkiRefusedException($"a user's role is viewer, operator or admin, not '{role.Name()}'", Refusal.Invalid);
        }
    }

    private static void CheckPassword(string password)
    {
        if (password.Length is < MinimumPasswordLength or > MaximumPasswordLength)
        {
            throw new PkiRefusedException($"a password has {MinimumPasswordLength} to {MaximumPasswordLength} characters", Refusal.Invalid);
        }
    }

    private static string NewStamp() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    [LoggerMessage(EventId = 73, Level = LogLevel.Warning, Message = "user {Name} ({Role}) created by {Who}")]
    private static partial void LogCreated(ILogger logger, string name, string role, string who);

    [LoggerMessage(EventId = 74, Level = LogLevel.Warning, Message = "user {Name} changed by {Who}: role {Role}, password {Password}")]
    private static partial void LogUpdated(ILogger logger, string name, string role, string password, string who);

    [LoggerMessage(EventId = 75, Level = LogLevel.Warning, Message = "user {Name} deleted by {Who}")]
    private static partial void LogDeleted(ILogger logger, string name, string who);
}
