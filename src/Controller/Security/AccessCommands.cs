using HaCluster.Controller.Pki;
using HaCluster.Shared.Vocabulary;

namespace HaCluster.Controller.Security;

/// <summary><c>apikey create</c> and the first start's <c>admin</c>: run on the controller's host, on its data.</summary>
public static class AccessCommands
{
    /// <summary>The key alone on stdout (for scripts); how to use it on stderr.</summary>
    public static async Task<int> CreateApiKeyAsync(ApiKeys keys, string name, Role role, TextWriter output, TextWriter errors)
    {
        try
        {
            var (key, info) = await keys.CreateAsync(name, role, Domain.Actor.CommandLine, CancellationToken.None);
            await output.WriteLineAsync(key);
            await errors.WriteLineAsync($"API key {info.Id} ({role.Name()} {name}): shown this once. Send it as 'Authorization: Bearer KEY', e.g.\n"
                + "  curl --cacert ca.crt -H \"Authorization: Bearer $KEY\" https://CONTROLLER:PORT/api/v1/groups");
            return 0;
        }
        catch (PkiRefusedException e)
        {
            await errors.WriteLineAsync($"hacluster-controller: {e.Message}");
            return 1;
        }
    }

    /// <summary>
    /// On a controller's first start (no user yet): <c>admin</c> with <c>HACLUSTER_ADMIN_PASSWORD</c> or a random
    /// password in a 0600 file, named on the console — never in the log.
    /// </summary>
    public static async Task BootstrapAdminAsync(Users users, string dataDir, TextWriter console)
    {
        var password = Environment.GetEnvironmentVariable(Users.PasswordVariable);
        var (created, file) = await users.BootstrapAsync(dataDir, password, CancellationToken.None);
        if (created)
        {
            await console.WriteLineAsync(file is null
                ? $"hacluster-controller: first start: user '{Users.FirstAdmin}' created with the password from {Users.PasswordVariable}"
                : $"hacluster-controller: first start: user '{Users.FirstAdmin}' created; its password is in {file} (0600): sign in, then change it");
        }
    }
}
