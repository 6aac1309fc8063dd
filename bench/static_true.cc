// The program both sides of the sandbox benchmark start: static, does nothing, exits 0.
int main() { return 0; }
