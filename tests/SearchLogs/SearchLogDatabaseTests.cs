using Microsoft.Data.Sqlite;
using Npgsql;
using Workbook.SearchLogs;

namespace Workbook.Tests.SearchLogs;

public class SearchLogDatabaseTests
{
    [Theory]
    [InlineData("data/search_logs.db", DatabaseBackend.Sqlite)]
    [InlineData("/tmp/x.db", DatabaseBackend.Sqlite)]
    [InlineData("Data Source=/tmp/x.db", DatabaseBackend.Sqlite)]
    [InlineData("Host=127.0.0.1;Username=postgres;Database=workbook_test", DatabaseBackend.Postgres)]
    [InlineData("server=db;database=x", DatabaseBackend.Postgres)]
    [InlineData("postgres://u:p@127.0.0.1:5432/workbook_test", DatabaseBackend.Postgres)]
    public void Backend_is_chosen_from_the_text(string target, DatabaseBackend expected) =>
        Assert.Equal(expected, SearchLogDatabase.BackendOf(target));

    [Fact]
    public void Sqlite_file_and_its_folder_are_created()
    {
        var dir = Path.Combine(Path.GetTempPath(), "sldb_" + Guid.NewGuid().ToString("N"));
        var path = Path.Combine(dir, "sub", "logs.db");
        try
        {
            using (var c = SearchLogDatabase.Open(path))
            {
                Assert.IsType<SqliteConnection>(c);
                Assert.Equal(System.Data.ConnectionState.Open, c.State);
            }
            Assert.True(File.Exists(path));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void A_file_that_is_not_sqlite_is_named_and_pipeline_run_refuses_it_with_exit_code_2()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "id,name\n" + new string('x', 5000));
            var before = File.ReadAllBytes(path);
            var e = Assert.Throws<InvalidDataException>(() => SearchLogDatabase.Open(path));
            Assert.Contains($"'{path}' is not a readable SQLite database", e.Message);
            var r = Infrastructure.CliProcess.Run(["pipeline", "run", "--input", WorkbookPaths.Data("search-logs"), "--db", path]);
            Infrastructure.CliProcess.AssertUserError(r, $"pipeline run: '{path}' is not a readable SQLite database");
            Assert.Equal(before, File.ReadAllBytes(path));
            Assert.False(File.Exists(path + ".lock")); // refused before the lock, nothing created beside it
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Postgres_connection_uses_the_search_path_schema()
    {
        using var schema = new PostgresSchema();
        using var c = SearchLogDatabase.Open(schema.ConnectionString);
        Assert.IsType<NpgsqlConnection>(c);
        using var cmd = c.CreateCommand();
        cmd.CommandText = "CREATE TABLE probe (x int); SELECT current_schema()";
        Assert.Equal(schema.Name, cmd.ExecuteScalar());
        Assert.True(SearchLogDatabase.TableExists(c, "probe"));
    }
}
