use fraiseql::FraiseEnum;

#[derive(FraiseEnum)]
enum Role {
    Admin,
    #[fraiseql(json = "admin")]
    Boss,
}

fn main() {}
