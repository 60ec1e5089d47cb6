using System.Security.Cryptography.X509Certificates;
using HaCluster.Controller.Domain;
using HaCluster.Shared.Tls;
using HaCluster.Shared.Vocabulary;

namespace HaCluster.Controller.Pki;

/// <summary>
/// <c>token create</c>, <c>node revoke</c> and <c>cert create</c>: run by an administrator on the controller's host, on its
/// data (whoever can read the CA key there is an administrator anyway). Each prints what to do next.
/// </summary>
public static class CredentialCommands
{
    private static readonly Actor Who = Actor.CommandLine;

    /// <summary>The token alone on stdout (for scripts: <c>TOKEN=$(hacluster-controller token create --node n1)</c>); how to use it on stderr.</summary>
    public static Task<int> CreateTokenAsync(Credentials credentials, string node, TimeSpan? ttl, TextWriter output, TextWriter errors) =>
        RunAsync(errors, async () =>
        {
            var (token, expiresAt) = await credentials.CreateTokenAsync(node, ttl, Who, CancellationToken.None);
            await output.WriteLineAsync(token.ToString());
            await errors.WriteLineAsync($"join token for node {node}: single use, valid until {expiresAt:u}. On {node}, run:\n"
                + $"  hacluster-agent enroll --controller https://CONTROLLER:PORT --token {token}");
        });

    public static Task<int> RevokeNodeAsync(Credentials credentials, string node, TextWriter output, TextWriter errors) =>
        RunAsync(errors, async () =>
        {
            var count = await credentials.RevokeNodeAsync(node, Who, CancellationToken.None);
            await output.WriteLineAsync($"node {node}: {count} certificate(s) revoked; a running controller cuts its stream within a second, "
                + "and it must enroll again with a new token");
        });

    /// <summary>Writes <c>NAME.key</c>, <c>NAME.crt</c> and <c>ca.crt</c> (all 0600) into <paramref name="directory"/>
    /// (made 0700 if it is new; an existing one, such as the working directory, is left as it is).</summary>
    public static Task<int> CreateCertificateAsync(Credentials credentials, ControllerPki pki, string name, Role role, TimeSpan? ttl, string directory, TextWriter output, TextWriter errors) =>
        RunAsync(errors, async () =>
        {
            var certificate = await credentials.IssueAsync(name, role, ttl, Who, CancellationToken.None);
            if (!Directory.Exists(directory))
            {
                Directory.CreateDirectory(directory, PrivateFiles.DirectoryMode);
            }

            var (key, crt, ca) = (Path.Combine(directory, name + ".key"), Path.Combine(directory, name + ".crt"), Path.Combine(directory, "ca.crt"));
            using (var privateKey = certificate.GetECDsaPrivateKey()!)
            {
                PrivateFiles.WriteText(key, privateKey.ExportPkcs8PrivateKeyPem() + "\n");
            }

            PrivateFiles.WriteText(crt, certificate.ExportCertificatePem() + "\n");
            PrivateFiles.WriteText(ca, pki.RequireAuthority().Pem);
            await output.WriteLineAsync($"{role.Name()} {name}: {crt} and {key} (valid until {certificate.NotAfter.ToUniversalTime():u}), CA {ca}. For example:\n"
                + $"  curl --cacert {ca} --cert {crt} --key {key} https://CONTROLLER:PORT/api/v1/groups");
        });

    private static async Task<int> RunAsync(TextWriter errors, Func<Task> action)
    {
        try
        {
            await action();
            return 0;
        }
        catch (PkiRefusedException e)
        {
            await errors.WriteLineAsync($"hacluster-controller: {e.Message}");
            return 1;
        }
    }
}
