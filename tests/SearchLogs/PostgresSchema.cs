using Npgsql;
using Workbook.Tests.Infrastructure;

namespace Workbook.Tests.SearchLogs;

/// <summary>A schema of its own in the shared test database, dropped on dispose, so tests never see each other's tables.</summary>
public sealed class PostgresSchema : IDisposable
{
    public string Name { get; } = "sl_test_" + Guid.NewGuid().ToString("N")[..12];
    public string ConnectionString { get; }

    public PostgresSchema()
    {
        SystemSetup.Ensure();
        Run($"CREATE SCHEMA {Name}");
        ConnectionString = new NpgsqlConnectionStringBuilder(SystemSetup.PostgresConnectionString) { SearchPath = Name }.ToString();
    }

    private static void Run(string sql)
    {
        using var c = new NpgsqlConnection(SystemSetup.PostgresConnectionString);
        c.Open();
        using var cmd = new NpgsqlCommand(sql, c);
        cmd.ExecuteNonQuery();
    }

    public void Dispose() => Run($"DROP SCHEMA IF EXISTS {Name} CASCADE");
}
