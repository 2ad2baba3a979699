using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Workbook.SearchLogs;

public enum DatabaseBackend { Sqlite, Postgres }

/// <summary>
/// Opens the search-log database: a SQLite file or a PostgreSQL server when
/// given an Npgsql connection string ("Host=...;Username=...;..."). Both hold the same tables (<see cref="CleanSchema"/>).
/// </summary>
internal static class SearchLogDatabase
{
    /// <summary>PostgreSQL when the text looks like an Npgsql connection string or a postgres:// URI, else SQLite.</summary>
    public static DatabaseBackend BackendOf(string dbPathOrConnectionString)
    {
        var s = dbPathOrConnectionString.TrimStart();
        if (s.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || s.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
            return DatabaseBackend.Postgres;
        foreach (var part in s.Split(';'))
        {
            var key = part.Split('=', 2)[0].Trim();
            if (key.Equals("Host", StringComparison.OrdinalIgnoreCase) || key.Equals("Server", StringComparison.OrdinalIgnoreCase))
                return DatabaseBackend.Postgres;
        }
        return DatabaseBackend.Sqlite;
    }

    /// <summary>An open connection; SQLite files and their folder are created when missing.</summary>
    /// <exception cref="InvalidDataException">The SQLite file exists but is not a SQLite database (named in the message).</exception>
    public static DbConnection Open(string dbPathOrConnectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dbPathOrConnectionString);
        var target = dbPathOrConnectionString;
        DbConnection connection = BackendOf(target) == DatabaseBackend.Postgres
            ? new NpgsqlConnection(ToNpgsql(target))
            : new SqliteConnection(SqliteConnectionString(target));
        connection.Open();
        if (connection is SqliteConnection)
        {
            try
            {
                // Long: the second of two concurrent loads waits for the first to commit (minutes at 10M rows).
                Execute(connection, "PRAGMA busy_timeout = 3600000; PRAGMA foreign_keys = OFF;");
                // Reading the header now, not at the first query, so a file that is not a database is named here.
                Scalar(connection, "PRAGMA schema_version");
            }
            catch (SqliteException e) when (e.SqliteErrorCode is 26 or 11) // SQLITE_NOTADB, SQLITE_CORRUPT
            {
                connection.Dispose();
                throw new InvalidDataException($"'{Describe(target)}' is not a readable SQLite database ({e.Message}); " +
                                               "pass a SQLite file or a PostgreSQL connection string as --db.", e);
            }
        }
        return connection;
    }

    private static string SqliteConnectionString(string target)
    {
        if (target.Contains("Data Source=", StringComparison.OrdinalIgnoreCase)) return target;
        var full = Path.GetFullPath(target);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        // Pooling off: a closed connection releases the file at once (tests delete it; reruns swap tables).
        return new SqliteConnectionStringBuilder { DataSource = full, Pooling = false }.ToString();
    }

    private static string ToNpgsql(string target)
    {
        if (!target.Contains("://")) return target;
        var uri = new Uri(target);
        var b = new NpgsqlConnectionStringBuilder { Host = uri.Host, Port = uri.Port > 0 ? uri.Port : 5432, Database = uri.AbsolutePath.Trim('/') };
        var user = uri.UserInfo.Split(':', 2);
        if (user[0].Length > 0) b.Username = Uri.UnescapeDataString(user[0]);
        if (user.Length > 1) b.Password = Uri.UnescapeDataString(user[1]);
        return b.ToString();
    }

    /// <summary>Text safe to show in logs and summaries (no password).</summary>
    public static string Describe(string dbPathOrConnectionString)
    {
        if (BackendOf(dbPathOrConnectionString) == DatabaseBackend.Sqlite) return Path.GetFullPath(dbPathOrConnectionString);
        var b = new NpgsqlConnectionStringBuilder(ToNpgsql(dbPathOrConnectionString));
        return $"postgres://{b.Username}@{b.Host}:{b.Port}/{b.Database}" + (b.SearchPath is { Length: > 0 } sp ? $" (schema {sp})" : "");
    }

    internal static void AddParameter(DbCommand cmd, string name, object? value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value ?? DBNull.Value;
        cmd.Parameters.Add(p);
    }

    internal static int Execute(DbConnection connection, string sql, DbTransaction? tx = null)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        cmd.CommandTimeout = 0;
        return cmd.ExecuteNonQuery();
    }

    internal static object? Scalar(DbConnection connection, string sql, DbTransaction? tx = null)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        cmd.CommandTimeout = 0;
        var v = cmd.ExecuteScalar();
        return v is DBNull ? null : v;
    }

    /// <summary>The column names of a table in the connection's current schema (empty when it does not exist).</summary>
    public static HashSet<string> ColumnsOf(DbConnection connection, string table)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = connection is SqliteConnection
            ? $"SELECT name FROM pragma_table_info('{table}')"
            : $"SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '{table}'";
        using var r = cmd.ExecuteReader();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (r.Read()) names.Add(r.GetString(0));
        return names;
    }

    /// <summary>True when a table (or view) exists in the connection's current schema.</summary>
    public static bool TableExists(DbConnection connection, string table) => connection is SqliteConnection
        ? Convert.ToInt64(Scalar(connection, $"SELECT COUNT(*) FROM sqlite_master WHERE name = '{table}'")) > 0
        : Scalar(connection, $"SELECT to_regclass('{table}')::text") != null;
}
