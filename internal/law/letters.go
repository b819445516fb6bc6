package law

// Contact is how people reach an office: the consumer reporting agencies,
// the Federal Trade Commission, a state attorney general.
type Contact struct {
	Name     string `yaml:"name" json:"name"`
	TollFree string `yaml:"toll_free" json:"toll_free,omitempty"`
	Phone    string `yaml:"phone" json:"phone,omitempty"`
	Address  string `yaml:"address" json:"address,omitempty"`
	Website  string `yaml:"website" json:"website,omitempty"`
}
